package dev.baton.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.LeadsAtScale;
import dev.baton.engine.testing.RawSegmentCount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * Benchmark, not a test (run by hand; README, "Performance"): a million leads and ten million
 * events seeded into Elasticsearch, a three-condition segment (a behaviour count in 30 days, a
 * tag, a trait) built over them, then how long its count and its first page of members take
 * through the API, beside the same segment counted from the raw events (group the window's
 * events by lead, keep those with enough, filter the leads) in the same run.
 * {@code -Dbaton.bench.leads}, {@code -Dbaton.bench.events}.
 */
class SegmentBenchmark extends IntegrationTest {
    private static final int LEADS = Integer.getInteger("baton.bench.leads", 1_000_000);
    private static final long EVENTS = Long.getLong("baton.bench.events", 10_000_000L);
    private static final int SAMPLES = 20;

    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Value("${baton.elasticsearch.index-prefix}") String prefix;

    @Test
    void threeConditionSegmentCountsAndListsItsFirstPageBesideACountFromRawEvents() throws Exception {
        indices.ensureInstalled();
        Instant now = Instant.now();
        var rest = ((RestClientTransport) elasticsearch._transport()).restClient();
        System.out.printf("%n=== Segment benchmark: seeding %,d leads, about %,d events ===%n", LEADS, EVENTS);
        LeadsAtScale.Seeded seeded = new LeadsAtScale(rest, prefix).seed("bench", LEADS, EVENTS, 1, now, 2);
        System.out.printf("seeded %,d leads + %,d events in %.0f s (%,.0f documents/s)%n", seeded.leads(), seeded.events(),
                seeded.seconds(), seeded.documentsPerSecond());

        long building = System.nanoTime();
        assertThat(admin().exchange("/api/segments/bench", HttpMethod.PUT, jsonBody(
                "{\"name\":\"Shanghai guide readers on pricing\",\"conditions\":" + RawSegmentCount.CONDITIONS + "}"),
                String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        String phase = "";
        while (!"done".equals(phase)) {
            String seen = phase;
            Awaitility.await().atMost(Duration.ofMinutes(90)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                JsonNode build = getJson("/api/segments/bench").path("build");
                if (!build.path("phase").asText().equals(seen) || build.path("processed").asLong() % 50_000 < 500) {
                    System.out.printf("  build: %s %,d / %,d (%.0f s)%n", build.path("phase").asText(),
                            build.path("processed").asLong(), build.path("total").asLong(), (System.nanoTime() - building) / 1e9);
                }
                return !build.path("phase").asText().equals(seen);
            });
            phase = getJson("/api/segments/bench").path("build").path("phase").asText();
            assertThat(phase).isNotEqualTo("failed");
        }
        double buildSeconds = (System.nanoTime() - building) / 1e9;

        List<Double> counts = new ArrayList<>();
        List<Double> pages = new ArrayList<>();
        long count = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long started = System.nanoTime();
            count = getJson("/api/segments/bench").path("count").asLong();
            counts.add((System.nanoTime() - started) / 1e6);
            started = System.nanoTime();
            JsonNode page = getJson("/api/segments/bench/leads?size=50");
            pages.add((System.nanoTime() - started) / 1e6);
            assertThat(page.path("leads").size()).isEqualTo((int) Math.min(50, count));
        }
        List<Double> raws = new ArrayList<>();
        Set<String> raw = Set.of();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            raw = RawSegmentCount.members(elasticsearch, prefix, "bench-", now);
            raws.add((System.nanoTime() - started) / 1e6);
        }
        assertThat(count).isEqualTo(raw.size());
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("%n=== Segment over %,d leads, %,d events: %,d members ===%n", LEADS, seeded.events(), count);
        System.out.printf("build (count past behaviour, record members) : %.0f s%n", buildSeconds);
        System.out.printf("count through the API       : median %6.0f ms, max %6.0f ms (%d runs)%n", median(counts), max(counts), SAMPLES);
        System.out.printf("first page of 50 members    : median %6.0f ms, max %6.0f ms (%d runs)%n", median(pages), max(pages), SAMPLES);
        System.out.printf("raw count from the events   : median %6.0f ms (3 runs)%n", median(raws));
        System.out.printf("ratio raw / Baton count     : %6.1f%n", median(raws) / median(counts));
        System.out.printf("engine heap in use          : %,d MB of %,d MB%n%n",
                (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double max(List<Double> values) {
        return Collections.max(values);
    }
}
