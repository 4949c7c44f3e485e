package dev.baton.engine.health;

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
 * (admin only) also say how many events wait in the outbox for Kafka (share clicks of an outage).
 */
@Component("kafka")
class KafkaHealthIndicator extends AbstractHealthIndicator {
    private final KafkaAdmin admin;
    private final EventOutbox outbox;

    KafkaHealthIndicator(KafkaAdmin admin, EventOutbox outbox) {
        super("Kafka health check failed");
        this.admin = admin;
        this.outbox = outbox;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
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
            }
        }
    }
}
