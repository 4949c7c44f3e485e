package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        List<ConsumerRecord<String, String>> parked = awaitDeadLetters(java.time.Duration.ofSeconds(30),
                record -> visitor.equals(record.key()));
        assertThat(parked).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo("{not json at all");
            String reason = new String(record.headers().lastHeader("baton-dlt-reason").value(), StandardCharsets.UTF_8);
            assertThat(reason).startsWith("unreadable event").contains("not valid JSON");
            assertThat(record.headers().lastHeader("baton-dlt-origin")).isNotNull();
        });
    }
}
