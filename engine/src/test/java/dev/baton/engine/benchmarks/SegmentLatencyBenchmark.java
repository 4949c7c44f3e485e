package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.tracking.EventTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Benchmark, not a test (run by hand; README, "Performance"): how soon a lead's membership changes
 * after the event that changes it, while events arrive at half the rate the pipeline was measured
 * to sustain in the same run. Each event identifies a new person with the segment's trait; the
 * latency is from the HTTP call that carried it to the Segment Entered move (its instant is when
 * the pipeline judged the lead, just before writing it). {@code -Dbaton.bench.events} (ingest
 * measurement, 10,000), {@code -Dbaton.bench.seconds} (60).
 */
class SegmentLatencyBenchmark extends IntegrationTest {
    private static final int EVENTS = Integer.getInteger("baton.bench.events", 10_000);
    private static final int SECONDS = Integer.getInteger("baton.bench.seconds", 60);
    private static final int BATCH = 20;
    private static final int SAMPLE = 1_000;

    @Autowired ObjectMapper json;
    @Autowired KafkaAdmin kafkaAdmin;
    @Autowired EventTopics topics;

    @Test
    void membershipChangesSoonAfterItsEventAtHalfTheIngestRate() throws Exception {
        String run = "lat" + UUID.randomUUID().toString().substring(0, 6);
        double ingest = BackgroundLoad.measureIngest(run, EVENTS, body -> track("/v1/batch", body).getStatusCode().value(),
                kafkaProgress()::caughtUp);
        assertThat(admin().exchange("/api/segments/" + run, HttpMethod.PUT, jsonBody(
                "{\"name\":\"latency\",\"conditions\":{\"trait\":\"latency\",\"eq\":\"" + run + "\"}}"), String.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        await().atMost(Duration.ofMinutes(2)).until(() ->
                "done".equals(getJson("/api/segments/" + run).path("build").path("phase").asText()));

        Map<String, Instant> entered = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean listening = new java.util.concurrent.atomic.AtomicBoolean(true);
        // The moves are read on a thread of their own, all along, so the reader never falls behind.
        Thread reader;
        try (KafkaConsumer<String, String> moves = movesConsumer(run)) {
            reader = new Thread(() -> {
                while (listening.get()) {
                    try {
                        poll(moves, run, entered, Duration.ofMillis(100));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "moves-reader");
            reader.start();
            double rate = ingest / 2;
            long interval = Math.round(BATCH * 1e9 / rate);
            Map<String, Instant> sentAt = new HashMap<>();
            long start = System.nanoTime();
            long end = start + SECONDS * 1_000_000_000L;
            int sent = 0;
            for (long due = start; due < end && System.nanoTime() < end + 10_000_000_000L; due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ObjectNode body = json.createObjectNode();
                ArrayNode batch = body.putArray("batch");
                Instant now = Instant.now();
                for (int i = 0; i < BATCH; i++) {
                    String user = run + "-u" + sent++;
                    batch.addObject().put("type", "identify").put("userId", user).put("messageId", user)
                            .putObject("traits").put("latency", run);
                    sentAt.put(user, now);
                }
                assertThat(track("/v1/batch", body.toString()).getStatusCode()).isEqualTo(HttpStatus.OK);
            }
            double offered = sent / ((System.nanoTime() - start) / 1e9);
            int total = sent;
            await().atMost(Duration.ofMinutes(5)).until(() -> entered.size() >= total);
            listening.set(false);
            reader.join();
            // A sample of the people, each looked up once (their lead id is what the move names).
            List<Double> latencies = new ArrayList<>();
            int step = Math.max(1, total / SAMPLE);
            for (int n = 0; n < total; n += step) {
                String user = run + "-u" + n;
                String lead = leadIdOf(user);
                latencies.add(Duration.between(sentAt.get(user), entered.get(lead)).toNanos() / 1e6);
            }
            Collections.sort(latencies);
            System.out.printf("%n=== Segment membership latency ===%n");
            System.out.printf("ingest measured          : %8.0f events/s%n", ingest);
            System.out.printf("offered while measuring  : %8.0f events/s (half: %.0f) for %d s, %d leads%n", offered, rate,
                    SECONDS, total);
            System.out.printf("event -> Segment Entered : p50 %6.0f ms, p99 %6.0f ms, max %6.0f ms (%d sampled)%n%n",
                    latencies.get(latencies.size() / 2), latencies.get((int) Math.floor(latencies.size() * 0.99)),
                    latencies.get(latencies.size() - 1), latencies.size());
        }
    }

    private KafkaConsumer<String, String> movesConsumer(String run) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaAdmin.getConfigurationProperties().get("bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, run + "-moves", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topics.eventsTopic()));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        return consumer;
    }

    private void poll(KafkaConsumer<String, String> consumer, String segment, Map<String, Instant> entered, Duration wait) throws Exception {
        for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
            JsonNode event = json.readTree(record.value());
            if ("Segment Entered".equals(event.path("event").asText()) && segment.equals(event.path("properties").path("segment").asText())) {
                entered.putIfAbsent(event.path("userId").asText(), Instant.parse(event.path("timestamp").asText()));
            }
        }
    }
}
