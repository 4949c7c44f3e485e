package dev.baton.engine.leads;

import dev.baton.engine.tracking.EventTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The batches of events the pipeline's consumer group (every node) is working on, seen from Kafka:
 * a batch is stored before its offsets are committed, so once each partition's committed offset
 * has moved on from where it stood (or stands at the partition's end), every batch that was in
 * flight has stored its events.
 */
@Component
class EventsInFlight {
    private static final Logger log = LoggerFactory.getLogger(EventsInFlight.class);
    private static final long CHECK_EVERY_MS = 100;
    private static final int ANSWER_WITHIN_S = 5;

    private final KafkaAdmin kafka;
    private final String topic;
    private final String group;

    EventsInFlight(KafkaAdmin kafka, EventTopics topics, @Value("${spring.kafka.consumer.group-id}") String group) {
        this.kafka = kafka;
        this.topic = topics.eventsTopic();
        this.group = group;
    }

    /**
     * Waits until every batch in flight now is stored, at most {@code atMost}. Returns how many
     * partitions still had one when it gave up (a consumer stopped or retrying through an outage),
     * 0 when all were stored.
     */
    int await(Duration atMost) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(kafka.getConfigurationProperties());
        // Each call gives up in seconds, and closing never waits on one: the wait stays near atMost.
        config.put("default.api.timeout.ms", ANSWER_WITHIN_S * 1000);
        config.put("request.timeout.ms", ANSWER_WITHIN_S * 1000);
        Admin admin = Admin.create(config);
        try {
            Map<TopicPartition, Long> committed = committed(admin);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (var partition : admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(ANSWER_WITHIN_S, TimeUnit.SECONDS)
                    .get(topic).partitions()) {
                latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.earliest());
            }
            Map<TopicPartition, Long> ends = offsets(admin, latest);
            Map<TopicPartition, Long> starts = offsets(admin, earliest);
            // Partitions with events not yet committed: one of their batches may be in flight. A
            // partition the group never committed on stands at its earliest offset (an empty one, or
            // one whose events all aged out, has nothing in flight).
            Map<TopicPartition, Long> open = new HashMap<>();
            ends.forEach((partition, end) -> {
                long at = committed.getOrDefault(partition, starts.getOrDefault(partition, 0L));
                if (at < end) {
                    open.put(partition, at);
                }
            });
            long deadline = System.nanoTime() + atMost.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(CHECK_EVERY_MS);
                Map<TopicPartition, Long> now = committed(admin);
                open.entrySet().removeIf(e -> {
                    Long at = now.get(e.getKey());
                    return at != null && (at > e.getValue() || at >= ends.get(e.getKey()));
                });
            }
            if (!open.isEmpty()) {
                log.warn("Events of {} partitions of {} were still being handled after {} (consumers stopped or retrying): "
                        + "events among them handled before this node's segments changed may go uncounted", open.size(), topic, atMost);
            }
            return open.size();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Could not tell which events are being handled ({}); going on", e.getMessage());
            return -1;
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> asked)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(asked).all().get(ANSWER_WITHIN_S, TimeUnit.SECONDS).forEach((partition, at) -> offsets.put(partition, at.offset()));
        return offsets;
    }

    private Map<TopicPartition, Long> committed(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(ANSWER_WITHIN_S, TimeUnit.SECONDS);
        committed.forEach((partition, offset) -> {
            if (offset != null && partition.topic().equals(topic)) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }
}
