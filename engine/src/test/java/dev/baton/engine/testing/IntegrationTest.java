package dev.baton.engine.testing;

import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the full-stack tests: the whole engine on a random port against real Elasticsearch,
 * Kafka and an in-memory Camunda database. All subclasses share one Spring context (same
 * properties), and this JVM's run owns its own index prefix and topics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "baton.local.enabled=false",
        "spring.datasource.url=jdbc:h2:mem:baton-it;DB_CLOSE_DELAY=-1",
        "baton.security.admin-password=" + IntegrationTest.ADMIN_PASSWORD,
        "baton.security.write-key=" + IntegrationTest.WRITE_KEY,
        "baton.kafka.partitions=3",
        "baton.kafka.consumers=3",
        // Landing pages served by tests (ShareClickJsTest) run on 127.0.0.1 at a random port.
        "baton.tracking.allowed-origins=https://www.example.com, http://127.0.0.1:[*]",
        // Journey signals that keep failing are parked after 10 s here (5 min by default).
        "baton.journeys.give-up-after=PT10S",
        // Leads due a decay review are picked up within a second, so tests wait seconds, not minutes.
        "baton.scoring.decay-interval=1s",
        // Segments: known on every node within 300 ms (a build of a behaviour segment waits twice
        // that), memberships reviewed every second.
        "baton.segments.refresh=300ms",
        "baton.segments.review-interval=1s",
        // Broadcasts: due and stalled ones are looked for every second.
        "baton.broadcasts.poll=1s",
        "baton.workers.poll-interval=200ms",
        "baton.workers.idle-poll-max=1s",
        "baton.workers.first-backoff=500ms",
        "baton.workers.max-retries=3",
        "baton.email.bounces.poll-interval=300ms",
        // No quiet hours (from = until), so tests send at any time of day; SendGuardsTest covers them.
        "baton.guards.quiet-from=00:00",
        "baton.guards.quiet-until=00:00",
        "baton.sms.provider=twilio",
        "baton.sms.twilio.account-sid=AC" + "test",
        "baton.sms.twilio.auth-token=" + IntegrationTest.TWILIO_TOKEN,
        "baton.sms.twilio.from=+15005550006",
        "baton.sms.timeout=1s",
        "baton.crm.provider=hubspot",
        "baton.crm.hubspot.token=test-hubspot-token",
        "baton.crm.default-owner=77",
        "baton.crm.webhook.secret=" + IntegrationTest.CRM_WEBHOOK_SECRET
})
// Metrics exported as in production (Spring Boot tests leave export off by default): MetricsTest scrapes them.
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability(tracing = false)
public abstract class IntegrationTest {
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String WRITE_KEY = "test-write-key";
    public static final String TWILIO_TOKEN = "test-twilio-token";
    /** Standard Webhooks secret the CRM signs outcomes with (and Baton its webhook tasks). */
    public static final String CRM_WEBHOOK_SECRET = "whsec_dGVzdC1jcm0td2ViaG9vay1zZWNyZXQtMzItYnl0ZXM=";
    /** Unique per test JVM, so runs sharing servers (e.g. Testcontainers reuse) never see each other's data. */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    public static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    protected TestRestTemplate http;
    @Autowired
    private org.springframework.kafka.core.KafkaAdmin kafkaAdmin;
    @Autowired
    private dev.baton.engine.tracking.EventTopics topics;
    @Autowired
    private org.springframework.core.env.Environment environment;
    @Autowired
    private org.camunda.bpm.engine.RuntimeService camundaRuntime;
    @Autowired
    private org.camunda.bpm.engine.ManagementService camundaManagement;

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        registry.add("spring.elasticsearch.uris", () -> TestServers.endpoints().elasticsearchUri());
        registry.add("spring.kafka.bootstrap-servers", () -> TestServers.endpoints().kafkaBootstrapServers());
        registry.add("spring.mail.host", () -> TestServers.endpoints().smtpHost());
        registry.add("baton.sms.twilio.base-url", () -> TestServers.twilio().baseUrl());
        registry.add("baton.crm.hubspot.base-url", () -> TestServers.hubspot().baseUrl());
        registry.add("spring.mail.port", () -> TestServers.endpoints().smtpPort());
        registry.add("baton.email.bounces.imap-host", () -> TestServers.endpoints().smtpHost());
        registry.add("baton.email.bounces.imap-port", () -> TestServers.endpoints().imapPort());
        registry.add("baton.elasticsearch.index-prefix", () -> "test-" + RUN);
        registry.add("baton.kafka.events-topic", () -> "test-" + RUN + ".events");
        registry.add("baton.kafka.dead-letter-topic", () -> "test-" + RUN + ".events.dlt");
        registry.add("spring.kafka.consumer.group-id", () -> "test-" + RUN);
    }

    /**
     * The values written to the events topic from now on, read once a marker event (sent by the
     * caller after what it checks) has arrived: what a request wrote, whatever the engine's own
     * background work (tier and segment moves, sends) writes to the same topic meanwhile.
     */
    protected EventsTopic eventsTopicFromNow() {
        return new EventsTopic(new org.apache.kafka.clients.consumer.KafkaConsumer<>(java.util.Map.of(
                "bootstrap.servers", kafkaAdmin.getConfigurationProperties().get("bootstrap.servers"),
                "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class,
                "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class)), topics.eventsTopic());
    }

    /** See {@link #eventsTopicFromNow()}. */
    protected static final class EventsTopic implements AutoCloseable {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer;

        private EventsTopic(org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer, String topic) {
            this.consumer = consumer;
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // the end, now: what follows is what is written from here on
        }

        /** Every value written since, up to and including the one containing {@code marker}. */
        public java.util.List<String> until(String marker) {
            java.util.List<String> written = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(record -> written.add(record.value()));
                return written.stream().anyMatch(value -> value.contains(marker));
            });
            return written;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Progress of Baton's consumer group over the events topic. */
    protected KafkaProgress kafkaProgress() {
        return new KafkaProgress(kafkaAdmin.getConfigurationProperties(), topics.eventsTopic(), topics.partitions(),
                environment.getRequiredProperty("spring.kafka.consumer.group-id"));
    }

    /** The records on the dead-letter topic that match, once there is at least one. */
    protected java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> awaitDeadLetters(
            java.time.Duration atMost,
            java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> which) {
        var found = new java.util.ArrayList<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(java.util.Map.of(
                "bootstrap.servers", kafkaAdmin.getConfigurationProperties().get("bootstrap.servers"),
                "group.id", "dlt-reader-" + java.util.UUID.randomUUID(),
                "auto.offset.reset", "earliest",
                "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class,
                "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class))) {
            consumer.subscribe(java.util.List.of(topics.deadLetterTopic()));
            org.awaitility.Awaitility.await().atMost(atMost).until(() -> {
                consumer.poll(java.time.Duration.ofMillis(500)).forEach(record -> {
                    if (which.test(record)) {
                        found.add(record);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found;
    }

    /** An admin GET of JSON that must succeed. */
    protected com.fasterxml.jackson.databind.JsonNode getJson(String path) throws Exception {
        ResponseEntity<String> response = admin().getForEntity(path, String.class);
        org.assertj.core.api.Assertions.assertThat(response.getStatusCode().is2xxSuccessful())
                .as(path + " " + response.getBody()).isTrue();
        return JSON.readTree(response.getBody());
    }

    /**
     * What engine nodes a test starts beside this JVM's share: the test servers, topics, indices
     * and keys named after {@code name}, and the Camunda database at {@code datasourceUrl}.
     */
    public static java.util.Map<String, Object> sharedByNodes(String name, String datasourceUrl) {
        java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("baton.local.enabled", false);
        properties.put("spring.datasource.url", datasourceUrl);
        properties.put("spring.elasticsearch.uris", TestServers.endpoints().elasticsearchUri());
        properties.put("spring.kafka.bootstrap-servers", TestServers.endpoints().kafkaBootstrapServers());
        properties.put("spring.mail.host", TestServers.endpoints().smtpHost());
        properties.put("spring.mail.port", TestServers.endpoints().smtpPort());
        properties.put("baton.email.bounces.imap-host", "");
        properties.put("baton.elasticsearch.index-prefix", name);
        properties.put("baton.kafka.events-topic", name + ".events");
        properties.put("baton.kafka.dead-letter-topic", name + ".events.dlt");
        properties.put("baton.kafka.partitions", 3);
        properties.put("baton.kafka.consumers", 3);
        properties.put("spring.kafka.consumer.group-id", name);
        properties.put("baton.security.admin-password", ADMIN_PASSWORD);
        properties.put("baton.security.write-key", WRITE_KEY);
        properties.put("baton.workers.poll-interval", "200ms");
        properties.put("baton.workers.idle-poll-max", "1s");
        properties.put("baton.guards.quiet-from", "00:00");
        properties.put("baton.guards.quiet-until", "00:00");
        return properties;
    }

    /** Waits until the lead exists (the pipeline is asynchronous), and returns its profile. */
    protected com.fasterxml.jackson.databind.JsonNode awaitLead(String id) throws Exception {
        return awaitLead(id, lead -> true);
    }

    /** The id of the lead known by this id (any of its userIds, emails, phones, anonymous ids), once it exists. */
    protected String leadIdOf(String anyId) throws Exception {
        return awaitLead(anyId).path("id").asText();
    }

    /** Waits until the lead exists and is as expected, and returns its profile. */
    protected com.fasterxml.jackson.databind.JsonNode awaitLead(
            String id, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ready) throws Exception {
        // A minute: the pipeline is asynchronous and a busy build machine can lag it well past 30 s.
        var found = new java.util.concurrent.atomic.AtomicReference<com.fasterxml.jackson.databind.JsonNode>();
        var last = new java.util.concurrent.atomic.AtomicReference<String>("no answer");
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                ResponseEntity<String> response = admin().getForEntity("/api/leads/" + id, String.class);
                last.set(response.getStatusCode() + " " + response.getBody());
                if (!response.getStatusCode().is2xxSuccessful()) {
                    return false;
                }
                com.fasterxml.jackson.databind.JsonNode lead = JSON.readTree(response.getBody());
                found.set(lead);
                return ready.test(lead);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Say what the lead looked like when time ran out: "not as expected" alone cannot be diagnosed.
            throw new AssertionError("lead " + id + " not as expected within 60 s; last answer: " + last.get(), e);
        }
        return found.get();
    }

    /** A check of one item that may throw (an HTTP read, an assertion). */
    @FunctionalInterface
    protected interface Check<T> {
        void check(T item) throws Exception;
    }

    /**
     * Checks each item, a few at once (the checks of a 200-person flow are HTTP reads that wait on
     * the engine, not on each other); the first failure, in item order, is thrown as it was.
     */
    protected static <T> void checkEach(java.util.List<T> items, Check<T> check) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> checks = new java.util.ArrayList<>();
            for (T item : items) {
                checks.add(threads.submit(() -> {
                    check.check(item);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> done : checks) {
                try {
                    done.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    protected TestRestTemplate admin() {
        return http.withBasicAuth("admin", ADMIN_PASSWORD);
    }

    /** Deploys a journey as Camunda Modeler does: a multipart POST to /engine-rest/deployment/create. */
    protected ResponseEntity<String> deployThroughEngineRest(String key, String bpmn) {
        var body = new org.springframework.util.LinkedMultiValueMap<String, Object>();
        body.add("deployment-name", key);
        body.add(key + ".bpmn", OneStepJourney.file(key + ".bpmn", bpmn));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        return admin().postForEntity("/engine-rest/deployment/create", new HttpEntity<>(body, headers), String.class);
    }

    /** A JSON request body, for the admin API. */
    protected static HttpEntity<String> jsonBody(String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(json, headers);
    }

    /** POSTs a JSON body to a tracking endpoint with the write key, as a Segment SDK does. */
    protected ResponseEntity<String> track(String path, String json) {
        return track(path, json, WRITE_KEY);
    }

    protected ResponseEntity<String> track(String path, String json, String writeKey) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setBasicAuth(writeKey, "");
        return http.postForEntity(path, new HttpEntity<>(json, headers), String.class);
    }

    /** Tracks one event through {@code /v1/track}, which must accept it. */
    protected void track(String body) {
        org.assertj.core.api.Assertions.assertThat(track("/v1/track", body).getStatusCode())
                .isEqualTo(org.springframework.http.HttpStatus.OK);
    }

    /** Progress of the journeys consumer (behaviour events into Camunda). */
    protected KafkaProgress journeyProgress() {
        return new KafkaProgress(kafkaAdmin.getConfigurationProperties(), topics.journeysTopic(), topics.partitions(),
                environment.getRequiredProperty("spring.kafka.consumer.group-id") + "-journeys");
    }

    /** Progress of the send workers over the audience sends topic (broadcasts). */
    protected KafkaProgress sendsProgress() {
        return new KafkaProgress(kafkaAdmin.getConfigurationProperties(), topics.sendsTopic(), topics.partitions(),
                environment.getRequiredProperty("spring.kafka.consumer.group-id") + "-sends");
    }

    /**
     * Nurture's first day passes for the lead: once its journeys wait at nurture's "1 day" timer,
     * the timers fire now (the job executor would fire them a day later). Never sleeps.
     */
    protected void nurtureFirstDayPasses(String anyId) throws Exception {
        // The journey runs under the lead's id; a test that started one by hand may have used another.
        java.util.Set<String> keys = java.util.Set.copyOf(new java.util.HashSet<>(java.util.List.of(anyId, leadIdOf(anyId))));
        java.util.function.Supplier<java.util.List<org.camunda.bpm.engine.runtime.Job>> waiting = () -> keys.stream()
                .flatMap(key -> camundaRuntime.createProcessInstanceQuery().processDefinitionKey("baton-nurture")
                        .processInstanceBusinessKey(key).list().stream()).flatMap(nurture -> camundaManagement.createJobQuery().processInstanceId(nurture.getId())
                        .activityId("FirstWait").list().stream()).toList();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> !waiting.get().isEmpty());
        waiting.get().forEach(timer -> camundaManagement.executeJob(timer.getId()));
    }

    /** The lead's timeline, one event name per line, newest first. */
    protected String timeline(String lead) throws Exception {
        StringBuilder events = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonNode event : getJson("/api/leads/" + lead + "/events?size=100").path("items")) {
            events.append(event.path("event").asText()).append('\n');
        }
        return events.toString();
    }

    /** Waits for an email with this subject to reach the test's SMTP server, and returns it. */
    protected static jakarta.mail.internet.MimeMessage awaitMail(String to, String subject) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> mailTo(to).stream().anyMatch(m -> subject(m).equals(subject)));
        return mailTo(to).stream().filter(m -> subject(m).equals(subject)).findFirst().orElseThrow();
    }

    /** Every email the test's SMTP server received for this address. */
    public static java.util.List<jakarta.mail.internet.MimeMessage> mailTo(String to) {
        return TestServers.receivedMail().stream().filter(m -> {
            try {
                var recipients = m.getRecipients(jakarta.mail.Message.RecipientType.TO);
                return recipients != null && recipients[0].toString().contains(to);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    /** How many messages the SMTP server holds per recipient (the first To address), read in one pass. */
    public static java.util.Map<String, Long> mailCountByRecipient() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        for (jakarta.mail.internet.MimeMessage message : TestServers.receivedMail()) {
            try {
                var recipients = message.getRecipients(jakarta.mail.Message.RecipientType.TO);
                if (recipients != null && recipients[0] instanceof jakarta.mail.internet.InternetAddress address) {
                    counts.merge(address.getAddress(), 1L, Long::sum);
                }
            } catch (jakarta.mail.MessagingException e) {
                // a message without a readable To counts for nobody
            }
        }
        return counts;
    }

    public static String subject(jakarta.mail.internet.MimeMessage message) {
        try {
            return String.valueOf(message.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
