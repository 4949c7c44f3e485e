package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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

/**
 * Benchmark, not a test (surefire's default run skips it; the README says how to run it):
 * events per second from HTTP to searchable in Elasticsearch through Baton (validation, Kafka,
 * identity, Drools scoring, profiles, events), beside a raw Kafka → Elasticsearch bulk copy of
 * the same events measured in the same run on the same servers.
 */
class TrackingThroughputBenchmark extends IntegrationTest {
    private static final int EVENTS = Integer.getInteger("baton.bench.events", 20_000);
    private static final int VISITORS = Integer.getInteger("baton.bench.visitors", 1_000);
    private static final int BATCH = 500;

    @Autowired ObjectMapper json;
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Autowired KafkaAdmin kafkaAdmin;

    @Test
    void eventsPerSecondFromHttpToSearchableBesideARawKafkaToElasticsearchCopy() throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<ObjectNode> events = events(run);
        warmUp(run);

        long started = System.nanoTime();
        sendOverHttp(events);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(kafkaProgress()::caughtUp);
        elasticsearch.indices().refresh(r -> r.index(indices.allEvents()));
        double batonSeconds = (System.nanoTime() - started) / 1e9;
        long stored = elasticsearch.count(c -> c.index(indices.allEvents())
                .query(q -> q.prefix(p -> p.field("anonymousId").value(run + "-v")))).count();
        assertThat(stored).isEqualTo(EVENTS);

        double rawSeconds = rawKafkaToElasticsearch(run, events);

        double baton = EVENTS / batonSeconds;
        double raw = EVENTS / rawSeconds;
        System.out.printf("%n=== Tracking throughput (%d events, %d visitors, batches of %d) ===%n", EVENTS, VISITORS, BATCH);
        System.out.printf("Baton HTTP -> searchable : %8.0f events/s (%.1f s)%n", baton, batonSeconds);
        System.out.printf("raw Kafka -> ES bulk     : %8.0f events/s (%.1f s)%n", raw, rawSeconds);
        System.out.printf("ratio Baton / raw        : %8.2f%n%n", baton / raw);
    }

    private List<ObjectNode> events(String run) {
        String[] categories = {"blog", "pricing", "case-study", "docs"};
        Instant start = Instant.parse("2026-11-10T08:00:00Z");
        List<ObjectNode> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            ObjectNode event = json.createObjectNode()
                    .put("type", "track")
                    .put("anonymousId", run + "-v" + (i % VISITORS))
                    .put("event", "Page Viewed")
                    .put("messageId", run + "-" + i)
                    .put("timestamp", start.plusMillis(i).toString());
            event.putObject("properties").put("category", categories[i % categories.length]).put("path", "/p/" + i);
            events.add(event);
        }
        return events;
    }

    /** A few hundred events first, so both measurements see warm JITs and existing indices. */
    private void warmUp(String run) {
        ObjectNode body = json.createObjectNode();
        ArrayNode batch = body.putArray("batch");
        for (int i = 0; i < 300; i++) {
            batch.addObject().put("type", "track").put("anonymousId", run + "-warm" + (i % 30))
                    .put("event", "Page Viewed").put("messageId", run + "-warm-" + i);
        }
        assertThat(track("/v1/batch", body.toString()).getStatusCode()).isEqualTo(HttpStatus.OK);
        await().atMost(Duration.ofMinutes(2)).until(kafkaProgress()::caughtUp);
    }

    /** Two HTTP clients, as several SDK instances would send. */
    private void sendOverHttp(List<ObjectNode> events) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int from = 0; from < events.size(); from += BATCH) {
                ObjectNode body = json.createObjectNode();
                ArrayNode batch = body.putArray("batch");
                events.subList(from, Math.min(from + BATCH, events.size())).forEach(batch::add);
                String text = body.toString();
                sends.add(clients.submit(() -> assertThat(track("/v1/batch", text).getStatusCode()).isEqualTo(HttpStatus.OK)));
            }
            for (Future<?> send : sends) {
                send.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** The floor: produce the same JSON to a topic, consume it, bulk-index it as is. No checks, no scoring. */
    private double rawKafkaToElasticsearch(String run, List<ObjectNode> events) throws Exception {
        String topic = run + ".raw";
        String index = run + "-raw";
        Map<String, Object> kafka = kafkaAdmin.getConfigurationProperties();
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        elasticsearch.indices().create(c -> c.index(index).settings(s -> s.numberOfShards("1").numberOfReplicas("0")));
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, run + "-raw", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);

        long started = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (ObjectNode event : events) {
                producer.send(new ProducerRecord<>(topic, event.get("anonymousId").asText(), event.toString()));
            }
            producer.flush();
        }
        int indexed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            while (indexed < events.size()) {
                List<BulkOperation> operations = new ArrayList<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    operations.add(BulkOperation.of(o -> o.index(i -> i.index(index).id(record.partition() + "-" + record.offset())
                            .document(co.elastic.clients.json.JsonData.from(new StringReader(record.value()))))));
                }
                if (!operations.isEmpty()) {
                    assertThat(elasticsearch.bulk(b -> b.operations(operations)).errors()).isFalse();
                    consumer.commitSync();
                    indexed += operations.size();
                }
            }
        }
        elasticsearch.indices().refresh(r -> r.index(index));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(elasticsearch.count(c -> c.index(index)).count()).isEqualTo(events.size());
        return seconds;
    }
}
