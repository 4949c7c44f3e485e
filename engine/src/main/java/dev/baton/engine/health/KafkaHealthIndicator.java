package dev.baton.engine.health;

import dev.baton.engine.tracking.EventJournal;
import dev.baton.engine.tracking.EventOutbox;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The {@code kafka} health component: UP when the cluster answers and has brokers. Its details
 * (admin only) also say how many events wait in the outbox for Kafka (share clicks of an outage),
 * and each of Baton's consumer groups' lag: records on its topics not yet handled (events,
 * journey signals, audience sends). Lag is shown, never a reason to be DOWN: a backlog is work
 * delayed, not lost.
 */
@Component("kafka")
class KafkaHealthIndicator extends AbstractHealthIndicator {
    private final KafkaAdmin admin;
    private final EventOutbox outbox;
    private final EventJournal journal;

    private final java.util.List<String> groups;

    KafkaHealthIndicator(KafkaAdmin admin, EventOutbox outbox, EventJournal journal,
                         @org.springframework.beans.factory.annotation.Value("${spring.kafka.consumer.group-id}") String group,
                         @org.springframework.beans.factory.annotation.Value("${baton.kafka.journeys-group:${spring.kafka.consumer.group-id}-journeys}") String journeys,
                         @org.springframework.beans.factory.annotation.Value("${baton.kafka.sends-group:${spring.kafka.consumer.group-id}-sends}") String sends) {
        super("Kafka health check failed");
        this.admin = admin;
        this.outbox = outbox;
        this.journal = journal;
        this.groups = java.util.List.of(group, journeys, sends);
    }

    /** Per group, the records not yet handled on the partitions it has committed on. */
    private Map<String, Long> lag(AdminClient client) throws Exception {
        Map<String, Long> lag = new java.util.LinkedHashMap<>();
        for (String group : groups) {
            var committed = client.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(4, TimeUnit.SECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = client.listOffsets(latest).all().get(4, TimeUnit.SECONDS);
            long behind = 0;
            for (var entry : committed.entrySet()) {
                if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                    behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                }
            }
            lag.put(group, behind);
        }
        return lag;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        builder.withDetail("eventsInJournal", journal.waiting());
        try {
            builder.withDetail("eventsInOutbox", outbox.waiting());
        } catch (RuntimeException e) {
            builder.withDetail("eventsInOutbox", "unknown: " + e.getMessage()); // the database's own component says why
        }
        try (AdminClient client = AdminClient.create(Map.copyOf(admin.getConfigurationProperties()))) {
            var cluster = client.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
            int brokers = cluster.nodes().get(4, TimeUnit.SECONDS).size();
            String clusterId = cluster.clusterId().get(4, TimeUnit.SECONDS);
            if (brokers == 0) {
                builder.down().withDetail("brokers", 0);
            } else {
                builder.up().withDetail("clusterId", clusterId).withDetail("brokers", brokers);
                try {
                    builder.withDetail("consumerLag", lag(client));
                } catch (Exception e) {
                    builder.withDetail("consumerLag", "unknown: " + e.getMessage());
                }
            }
        }
    }
}
