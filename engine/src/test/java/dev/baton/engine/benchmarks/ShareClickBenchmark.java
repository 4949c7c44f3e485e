package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Benchmark, not a test (surefire's default run skips it): share-link clicks at a fixed rate
 * (default 1,000 a second for 60 s, each from a new visitor) on {@code /s/{code}}, open loop
 * (latency counted from when each click was due, so a slow server cannot hide its queue), then
 * every click accounted once in Elasticsearch. Beside it, in the same run, the same load on a bare
 * redirect that records nothing: the ratio is what recording costs.
 *
 * <p>{@code mvn -pl engine -am test -Dtest=ShareClickBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbaton.bench.rate=1000 -Dbaton.bench.seconds=60}).
 */
@TestPropertySource(properties = {
        // Every click comes from one address here: no burst rule, or nearly all would be excluded.
        "baton.advocacy.burst-limit=100000000",
        // 60,000 new visitors would each start share-to-lead; this measures the click path, not Camunda.
        "baton.journeys.events=Form Submitted, Email Clicked, Tier Changed, Unsubscribed"
})
class ShareClickBenchmark extends IntegrationTest {
    private static final int RATE = Integer.getInteger("baton.bench.rate", 1_000);
    private static final int SECONDS = Integer.getInteger("baton.bench.seconds", 60);
    private static final int MAX_IN_FLIGHT = Integer.getInteger("baton.bench.in-flight", 200);
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();

    /** The baseline: a redirect that records nothing. */
    @TestConfiguration
    static class Baseline {
        @Bean
        RawRedirect rawRedirect() {
            return new RawRedirect();
        }
    }

    @RestController
    static class RawRedirect {
        @GetMapping("/s/bench-raw/{code}")
        ResponseEntity<Void> redirect(@PathVariable String code) {
            return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, "https://www.example.com/guide?bt_s="
                    + code).build();
        }
    }

    @Test
    void shareClicksAtAThousandASecondWithP99RedirectLatencyAndEveryClickCountedOnce() throws Exception {
        String code = shareLink();
        load("/s/bench-raw/" + code, Math.min(5, SECONDS), RATE); // warm-up of the server and client (JIT, connections)
        Result raw = load("/s/bench-raw/" + code, SECONDS, RATE);
        load("/s/" + code, Math.min(5, SECONDS), RATE); // warm-up of the recording path; counted below too
        long warmUpClicks = (long) Math.min(5, SECONDS) * RATE;
        // Both measured runs start with nothing queued: the warm-up clicks are through the pipeline.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> kafkaProgress().caughtUp());
        Result baton = load("/s/" + code, SECONDS, RATE);

        long expected = warmUpClicks + baton.sent();
        long started = System.nanoTime();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> clicks(code) >= expected);
        double accountedAfter = (System.nanoTime() - started) / 1e9;
        long accounted = clicks(code);

        System.out.printf("%nShare click benchmark: %d clicks/s offered for %d s, each from a new visitor%n", RATE, SECONDS);
        raw.print("bare redirect (records nothing)");
        baton.print("Baton /s/{code} (records to Kafka)");
        System.out.printf("  ratio p99 Baton / bare: %.2f; p50 %.2f%n", baton.p99() / raw.p99(), baton.p50() / raw.p50());
        System.out.printf("  clicks accounted in Elasticsearch: %d of %d sent (warm-up included), all within %.1f s after"
                + " the load ended; failed requests: %d%n", accounted, expected, accountedAfter, baton.failed());
        assertThat(baton.failed()).isZero();
        assertThat(accounted).as("every click counted once").isEqualTo(expected);
    }

    private long clicks(String code) throws Exception {
        elasticsearch.indices().refresh(r -> r.index(indices.shareClicks()));
        return elasticsearch.count(c -> c.index(indices.shareClicks()).query(q -> q.term(t -> t.field("code").value(code))))
                .count();
    }

    record Result(int sent, int failed, double achievedRate, long[] latenciesNanos) {
        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        double percentile(double p) {
            return latenciesNanos[Math.min(latenciesNanos.length - 1, (int) Math.ceil(p * latenciesNanos.length) - 1)] / 1e6;
        }

        void print(String what) {
            System.out.printf("  %-36s %6d sent, %7.1f/s achieved, latency ms p50 %6.2f  p99 %7.2f  max %8.2f, failed %d%n",
                    what, sent, achievedRate, p50(), p99(), latenciesNanos[latenciesNanos.length - 1] / 1e6, failed);
        }
    }

    /** Open loop: request i is due at start + i/rate; its latency runs from then until its answer. */
    private Result load(String path, int seconds, int rate) throws Exception {
        int total = seconds * rate;
        long[] latencies = new long[total];
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] pending = new CompletableFuture<?>[total];
        long interval = 1_000_000_000L / rate;
        // At most this many requests in flight (connections, as a browser population would not
        // open thousands to one server); a click that waits for one still counts from when it was due.
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            int index = i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(http.getRootUri() + path))
                    .header("User-Agent", BROWSER).header("Cookie", "baton_aid=bench-" + UUID.randomUUID()).GET().build();
            pending[i] = client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - due;
                inFlight.release();
                if (error != null || response.statusCode() != 302) {
                    failed.incrementAndGet();
                }
            });
        }
        CompletableFuture.allOf(pending).exceptionally(e -> null).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(total, failed.get(), total / elapsed, latencies);
    }

    private String shareLink() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        admin().put("/api/teams/bench-" + run, new HttpEntity<>("{\"name\":\"Bench\"}", headers));
        admin().put("/api/employees/ann-" + run, new HttpEntity<>("{\"name\":\"Ann\",\"team\":\"bench-" + run + "\"}", headers));
        admin().postForEntity("/api/campaigns", new HttpEntity<>("""
                {"id":"bench-%s","name":"Bench","contents":[{"id":"guide","url":"https://www.example.com/guide"}]}"""
                .formatted(run), headers), String.class);
        var created = admin().postForEntity("/api/shares", new HttpEntity<>(
                "{\"campaign\":\"bench-%1$s\",\"content\":\"guide\",\"employee\":\"ann-%1$s\"}".formatted(run), headers), String.class);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return json.readTree(created.getBody()).path("code").asText();
    }
}
