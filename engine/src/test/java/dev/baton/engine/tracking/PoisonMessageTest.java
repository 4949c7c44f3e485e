package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaAdmin;

/** A message that cannot be read is parked with its reason and never blocks the events behind it. */
class PoisonMessageTest extends IntegrationTest {
    @Autowired KafkaAdmin kafkaAdmin;
    @Autowired EventTopics topics;

    @Test
    void unreadableMessageGoesToTheDeadLetterTopicAndLaterEventsOfTheSameVisitorAreStored() throws Exception {
        String visitor = "poison-" + UUID.randomUUID();
        Object bootstrap = kafkaAdmin.getConfigurationProperties().get("bootstrap.servers");
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            // Same key as the visitor's real events: same partition, just ahead of them.
            producer.send(new ProducerRecord<>(topics.eventsTopic(), visitor, "{not json at all")).get();
        }
        assertThat(track("/v1/track", "{\"anonymousId\":\"%s\",\"event\":\"Form Submitted\"}".formatted(visitor))
                .getStatusCode()).isEqualTo(HttpStatus.OK);

        awaitLead(visitor, lead -> lead.path("score").asInt() == 15);
        List<ConsumerRecord<String, String>> parked = deadLetters(bootstrap, visitor);
        assertThat(parked).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo("{not json at all");
            String reason = new String(record.headers().lastHeader("baton-dlt-reason").value(), StandardCharsets.UTF_8);
            assertThat(reason).startsWith("unreadable event").contains("not valid JSON");
            assertThat(record.headers().lastHeader("baton-dlt-origin")).isNotNull();
        });
    }

    private List<ConsumerRecord<String, String>> deadLetters(Object bootstrap, String key) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topics.deadLetterTopic()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found;
    }
}
