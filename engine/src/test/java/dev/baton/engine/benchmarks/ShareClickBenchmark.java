package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
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
 * (default 1,000 a second for 60 s), each from a new visitor at its own address (198.18.0.0/15, the
 * benchmarking range, through X-Forwarded-For as from a load balancer), on {@code /s/{code}}, open
 * loop ({@link OpenLoopLoad}: latency counted from when each click was due, so a slow server cannot
 * hide its queue), then every click accounted once in Elasticsearch, each as reach. Beside it, in
 * the same run, the same load on a bare redirect that records nothing: the ratio is what recording
 * costs. Three rounds of both by default, each starting with the pipeline caught up; the median
 * ratio is the figure.
 *
 * <p>{@code mvn -pl engine -am test -Dtest=ShareClickBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbaton.bench.rate=1000 -Dbaton.bench.seconds=60 -Dbaton.bench.rounds=3 -Dbaton.bench.connections=64}).
 */
@TestPropertySource(properties = {
        // 60,000 new visitors would each start share-to-lead; this measures the click path, not Camunda.
        "baton.journeys.events=Form Submitted, Email Clicked, Tier Changed, Unsubscribed"
})
class ShareClickBenchmark extends IntegrationTest {
    private static final int RATE = Integer.getInteger("baton.bench.rate", 1_000);
    private static final int SECONDS = Integer.getInteger("baton.bench.seconds", 60);
    private static final int ROUNDS = Integer.getInteger("baton.bench.rounds", 3);
    private static final int WARM_UP_SECONDS = Math.min(5, SECONDS);
    private static final int CONNECTIONS = Integer.getInteger("baton.bench.connections", 64);
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    private final ObjectMapper json = new ObjectMapper();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

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
        OpenLoopLoad load = new OpenLoopLoad(http.getRootUri().replaceAll("^http://|:\\d+$", ""), port(), CONNECTIONS);
        load.run(click("/s/bench-raw/" + code, 0), 302, RATE, WARM_UP_SECONDS); // warm-up of server and generator
        // Warm-up of the recording path, its clicks counted below too.
        load.run(click("/s/" + code, 0), 302, RATE, WARM_UP_SECONDS);
        long sent = (long) WARM_UP_SECONDS * RATE;
        List<Double> ratios = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        long failed = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            // Each run starts with the pipeline caught up, so neither inherits the other's backlog.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> kafkaProgress().caughtUp());
            OpenLoopLoad.Result raw = load.run(click("/s/bench-raw/" + code, 0), 302, RATE, SECONDS);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> kafkaProgress().caughtUp());
            OpenLoopLoad.Result baton = load.run(click("/s/" + code, (int) sent), 302, RATE, SECONDS);
            sent += baton.sent();
            failed += baton.failed() + raw.failed();
            ratios.add(baton.p99() / raw.p99());
            lines.add(line("round " + round + ": bare redirect (records nothing)", raw));
            lines.add(line("round " + round + ": Baton /s/{code} (journal, then Kafka)", baton));
            lines.add(String.format("  round %d: ratio p99 Baton / bare %.2f; p50 %.2f%n", round, baton.p99() / raw.p99(),
                    baton.p50() / raw.p50()));
        }

        long expected = sent;
        long started = System.nanoTime();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> clicks(code, null) >= expected);
        double accountedAfter = (System.nanoTime() - started) / 1e9;
        long accounted = clicks(code, null);
        long reach = clicks(code, true);

        System.out.printf("%nShare click benchmark: %d clicks/s offered for %d s, %d rounds, each click from a new visitor at its"
                + " own address, %d connections%n", RATE, SECONDS, ROUNDS, CONNECTIONS);
        lines.forEach(System.out::print);
        List<Double> sorted = ratios.stream().sorted().toList();
        System.out.printf("  ratio p99 Baton / bare, median of %d rounds: %.2f%n", ROUNDS, sorted.get(sorted.size() / 2));
        System.out.printf("  clicks accounted in Elasticsearch: %d of %d sent (warm-up included), %d of them reach, all within"
                + " %.1f s after the load ended; failed requests: %d%n", accounted, expected, reach, accountedAfter, failed);
        assertThat(failed).isZero();
        assertThat(accounted).as("every click accounted once").isEqualTo(expected);
        assertThat(reach).as("new visitors at their own addresses are all reach").isEqualTo(expected);
    }

    /** Click {@code i}: a new visitor (cookie) at a new address, as a browser. */
    private IntFunction<String> click(String path, int offset) {
        return i -> {
            int n = offset + i;
            return "GET " + path + " HTTP/1.1\r\nUser-Agent: " + BROWSER + "\r\nCookie: baton_aid=bench-" + run + "-" + n
                    + "\r\nX-Forwarded-For: 198." + (18 + (n >> 16 & 1)) + "." + (n >> 8 & 255) + "." + (n & 255) + "\r\n";
        };
    }

    private int port() {
        return Integer.parseInt(http.getRootUri().replaceAll("^.*:", ""));
    }

    private static String line(String what, OpenLoopLoad.Result result) {
        return String.format("  %-50s %6d sent, %7.1f/s achieved, latency ms p50 %6.2f  p99 %7.2f  max %8.2f, failed %d%n",
                what, result.sent(), result.achievedRate(), result.p50(), result.p99(), result.max(), result.failed());
    }

    /** @param counted null for every click on the link, else only those counted (true) or excluded (false) */
    private long clicks(String code, Boolean counted) throws Exception {
        elasticsearch.indices().refresh(r -> r.index(indices.shareClicks()));
        return elasticsearch.count(c -> c.index(indices.shareClicks()).query(q -> q.bool(b -> {
            b.filter(f -> f.term(t -> t.field("code").value(code)));
            if (counted != null) {
                b.filter(f -> f.term(t -> t.field("counted").value(counted)));
            }
            return b;
        }))).count();
    }

    private String shareLink() throws Exception {
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
