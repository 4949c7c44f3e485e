package dev.baton.engine.tracking;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.kafka.*}: the topic every behaviour event goes through (keyed by the person, so
 * each person's events stay in order on one partition), its dead-letter topic, the topic of
 * journey-relevant events (keyed by lead, after identity resolution), the topic of audience sends
 * (one record per member of a broadcast or a send-only journey entry, keyed by lead), and how many consumer
 * threads each engine node runs on them ({@code consumers}).
 */
@ConfigurationProperties("baton.kafka")
public record EventTopics(String eventsTopic, String deadLetterTopic, String journeysTopic, String sendsTopic, int partitions,
                          short replicationFactor, Duration sendTimeout, int consumers) {
    public EventTopics {
        eventsTopic = eventsTopic == null ? "baton.events" : eventsTopic;
        deadLetterTopic = deadLetterTopic == null ? eventsTopic + ".dlt" : deadLetterTopic;
        journeysTopic = journeysTopic == null ? eventsTopic + ".journeys" : journeysTopic;
        sendsTopic = sendsTopic == null ? eventsTopic + ".sends" : sendsTopic;
        partitions = partitions <= 0 ? 6 : partitions;
        replicationFactor = replicationFactor <= 0 ? 1 : replicationFactor;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(10) : sendTimeout;
        consumers = consumers <= 0 ? 2 : consumers;
    }
}
