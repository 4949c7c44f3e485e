package dev.baton.engine.messaging;

import dev.baton.engine.leads.NotScoredEvents;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A channel worker's record that a message went or failed to go is Baton's doing, not the lead's:
 * it earns no points. Bounces, opens, clicks and unsubscribes are the lead's and stay scored.
 */
@Configuration(proxyBeanMethods = false)
class SendRecords {

    @Bean
    NotScoredEvents sentAndFailed() {
        return new NotScoredEvents(Stream.of(EmailWorker.LABEL, SmsWorker.LABEL, SalesNotificationWorker.LABEL, SalesTaskWorker.LABEL)
                .flatMap(label -> Stream.of(label + " Sent", label + " Failed"))
                .toList());
    }
}
