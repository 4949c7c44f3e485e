package dev.baton.engine.journeys;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code baton.workers.*} settings every external-task worker shares. */
@Configuration(proxyBeanMethods = false)
class WorkerSettings {
    @Bean
    TopicWorker.Workers workers(@Value("${baton.workers.max-retries:5}") int maxRetries,
                                @Value("${baton.workers.first-backoff:10s}") Duration firstBackoff,
                                @Value("${baton.workers.lock:60s}") Duration lock,
                                @Value("${baton.workers.lanes:4}") int lanes,
                                @Value("${baton.workers.poll-interval:500ms}") Duration pollInterval,
                                @Value("${baton.workers.idle-poll-max:2s}") Duration idlePollMax) {
        return new TopicWorker.Workers(maxRetries, firstBackoff, lock, lanes, pollInterval, idlePollMax);
    }
}
