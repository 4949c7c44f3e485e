package dev.baton.engine.testing;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far Baton's consumer group has got through the events topic: the condition tests wait on. */
public final class KafkaProgress {
    private final Map<String, Object> adminConfig;
    private final String topic;
    private final int partitions;
    private final String group;

    public KafkaProgress(Map<String, Object> adminConfig, String topic, int partitions, String group) {
        this.adminConfig = adminConfig;
        this.topic = topic;
        this.partitions = partitions;
        this.group = group;
    }

    /** Sum of the topic's end offsets: how many events were ever acknowledged on it. */
    public long produced() throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /** Sum of the group's committed offsets: how many events Baton has finished with. */
    public long committed() throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /** True once every acknowledged event has been processed and committed. */
    public boolean caughtUp() throws Exception {
        return committed() >= produced();
    }
}
