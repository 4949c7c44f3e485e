package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.LeadsAtScale;
import dev.baton.engine.testing.OneStepJourney;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark, not a test (run by hand; README, "Performance"): a million leads seeded into
 * Elasticsearch; every member of a segment of about 214,000 of them (city Shanghai or Beijing)
 * enters a journey that sends one email and ends. Measured: from the entry request until the SMTP
 * server (a counting sink) has accepted every email; the engine's peak heap (run it with
 * {@code -DargLine=-Xmx1g} to show it fits in 1 GB); the same entry again, which must send
 * nothing; and, in the same run, a bare loop that reads the same members from Elasticsearch
 * ({@code search_after}) and sends each the same email over the same SMTP client, a page's messages
 * over one connection, without Baton.
 * {@code -Dbaton.bench.leads} (default 1,000,000).
 */
@TestPropertySource(properties = {
        // The sink takes thousands a second; the engine's own throughput is what is measured.
        "baton.broadcasts.email-rate=5000",
        "baton.guards.max-per-period=100",
        "logging.level.dev.baton.engine.messaging.AudienceSendWorker=DEBUG"
})
class AudienceSendBenchmark extends IntegrationTest {
    private static final int LEADS = Integer.getInteger("baton.bench.leads", 1_000_000);
    private static final String CONDITIONS = "{\"trait\":\"city\",\"in\":[\"Shanghai\",\"Beijing\"]}";
    private static final CountingSmtpSink SINK = startSink();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The case-study template's subject: the sink counts these apart from what other journeys send meanwhile. */
    private static final String SUBJECT = "How teams like yours do it";

    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Autowired RepositoryService repository;
    @Autowired HistoryService history;
    @Autowired JavaMailSender mail;
    @Value("${baton.elasticsearch.index-prefix}") String prefix;

    /** Email goes to the counting sink instead of the test SMTP server (which keeps every message). */
    @TestConfiguration
    static class SinkMail {
        @Bean
        @Primary
        JavaMailSender sinkMail(org.springframework.core.env.Environment environment) {
            JavaMailSenderImpl sender = new JavaMailSenderImpl();
            sender.setHost("127.0.0.1");
            sender.setPort(SINK.port());
            // The engine's own Jakarta Mail settings (timeouts, socket factory), as production sends with them.
            java.util.Properties properties = new java.util.Properties();
            properties.putAll(org.springframework.boot.context.properties.bind.Binder.get(environment)
                    .bind("spring.mail.properties", org.springframework.boot.context.properties.bind.Bindable
                            .mapOf(String.class, String.class)).orElse(Map.of()));
            sender.setJavaMailProperties(properties);
            return sender;
        }
    }

    @Test
    void segmentOfTwoHundredThousandEntersASendOnlyJourneyBesideABareSendLoop() throws Exception {
        indices.ensureInstalled();
        var rest = ((RestClientTransport) elasticsearch._transport()).restClient();
        System.out.printf("%n=== Audience send benchmark: seeding %,d leads ===%n", LEADS);
        LeadsAtScale.Seeded seeded = new LeadsAtScale(rest, prefix).seed("send", LEADS, LEADS, 7, Instant.now(), 2);
        System.out.printf("seeded %,d leads + %,d events in %.0f s%n", seeded.leads(), seeded.events(), seeded.seconds());

        assertThat(admin().exchange("/api/segments/shanghai-beijing", HttpMethod.PUT, jsonBody(
                "{\"name\":\"Shanghai and Beijing\",\"conditions\":" + CONDITIONS + "}"), String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(5)).until(() ->
                "ready".equals(getJson("/api/segments/shanghai-beijing").path("state").asText()));
        long members = getJson("/api/segments/shanghai-beijing").path("count").asLong();
        System.out.printf("segment built: %,d members%n", members);

        String journey = "bench-one-email";
        repository.createDeployment().addString(journey + ".bpmn", OneStepJourney.bpmn(journey, "SendCaseStudy", "send-email",
                Map.of("template", "case-study"))).deploy();

        HeapWatch heap = new HeapWatch();
        long before = SINK.accepted(SUBJECT);
        long started = System.nanoTime();
        String job = enter(journey);
        Awaitility.await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            long sent = SINK.accepted(SUBJECT) - before;
            if (sent % 20_000 < 1_000) {
                System.out.printf("  %,d of %,d accepted by SMTP (%.0f s)%n", sent, members, (System.nanoTime() - started) / 1e9);
            }
            return sent >= members;
        });
        double batonSeconds = (System.nanoTime() - started) / 1e9;
        long peakHeap = heap.stop();
        Awaitility.await().atMost(Duration.ofMinutes(5)).until(() ->
                getJson("/api/journeys/entries/" + job).path("outcome").path("sent").asLong() == members);
        JsonNode first = getJson("/api/journeys/entries/" + job);
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey(journey).count()).isZero();

        long beforeAgain = SINK.accepted(SUBJECT);
        long againStarted = System.nanoTime();
        String again = enter(journey);
        Awaitility.await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            JsonNode outcome = getJson("/api/journeys/entries/" + again).path("outcome");
            return outcome.path("blocked").asLong() + outcome.path("sent").asLong() >= members;
        });
        double againSeconds = (System.nanoTime() - againStarted) / 1e9;
        long sentAgain = SINK.accepted(SUBJECT) - beforeAgain;

        long bareStarted = System.nanoTime();
        long bare = bareLoop();
        double bareSeconds = (System.nanoTime() - bareStarted) / 1e9;
        assertThat(bare).isEqualTo(members);

        System.out.printf("%n=== %,d members of a segment over %,d leads enter a send-only journey ===%n", members, LEADS);
        System.out.printf("Baton, entry request to last email accepted : %7.0f s  (%,.0f emails/s)%n", batonSeconds,
                members / batonSeconds);
        System.out.printf("  outcome                                   : %s%n", first.path("outcome"));
        System.out.printf("  process instances                         : 0%n");
        System.out.printf("  engine heap, peak in use                  : %,d MB (max heap %,d MB)%n", peakHeap >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("same entry again                            : %7.0f s, %,d emails sent (%s)%n", againSeconds,
                sentAgain, getJson("/api/journeys/entries/" + again).path("outcome").path("blockedBy"));
        System.out.printf("other email meanwhile (journeys the seeded leads started): %,d%n",
                SINK.accepted() - SINK.accepted(SUBJECT));
        System.out.printf("bare loop, ES search_after + SMTP           : %7.0f s  (%,.0f emails/s)%n", bareSeconds,
                members / bareSeconds);
        System.out.printf("ratio Baton / bare (throughput)             : %7.2f%n%n", bareSeconds / batonSeconds);
        assertThat(sentAgain).isZero();
    }

    private String enter(String journey) throws Exception {
        ResponseEntity<String> started = admin().postForEntity("/api/journeys/" + journey + "/entries",
                jsonBody("{\"segment\":\"shanghai-beijing\"}"), String.class);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(HttpStatus.ACCEPTED);
        return JSON.readTree(started.getBody()).path("id").asText();
    }

    /** The same members from Elasticsearch, a page at a time by lead id, each sent the same email: no Baton. */
    private long bareLoop() throws Exception {
        String html = new ClassPathResource("dev/baton/processes/email/case-study.html").getContentAsString(StandardCharsets.UTF_8);
        long sent = 0;
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            var page = elasticsearch.search(s -> {
                s.index(indices.leads()).size(1000).source(src -> src.filter(f -> f.includes("id", "emails")))
                        .query(q -> q.terms(t -> t.field("traits.city").terms(v -> v.value(List.of(
                                FieldValue.of("Shanghai"), FieldValue.of("Beijing"))))))
                        .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
                if (from != null) {
                    s.searchAfter(from);
                }
                return s;
            }, JsonNode.class);
            // A page's messages over one SMTP connection, as Baton sends a poll's: the fair baseline
            // (one connection per message, as send(message) does, is several times slower).
            List<MimeMessage> messages = new java.util.ArrayList<>(page.hits().hits().size());
            for (var hit : page.hits().hits()) {
                MimeMessage message = mail.createMimeMessage();
                MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
                helper.setFrom("marketing@baton.local");
                helper.setTo(hit.source().path("emails").get(0).asText());
                helper.setSubject(SUBJECT);
                helper.setText("A case study for you", html);
                messages.add(message);
            }
            mail.send(messages.toArray(MimeMessage[]::new));
            sent += messages.size();
            if (page.hits().hits().size() < 1000) {
                return sent;
            }
            after = page.hits().hits().get(page.hits().hits().size() - 1).sort();
        }
    }

    /** Samples the heap in use every 200 ms; the peak is what the run needed at most (garbage included). */
    private static final class HeapWatch {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        HeapWatch() {
            var memory = ManagementFactory.getMemoryMXBean();
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() {
            running = false;
            return peak.get();
        }
    }

    private static CountingSmtpSink startSink() {
        try {
            return new CountingSmtpSink();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopSink() throws IOException {
        SINK.close();
    }
}
