package dev.baton.engine.benchmarks;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.indices.RefreshRequest;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark, not a test (surefire's default run skips it): how long each console page takes to
 * render in headless Chromium (navigation until the page says it is ready, every figure fetched
 * and drawn) with 100,000 leads and 1,000,000 events indexed. Beside it, in the same browser and
 * run, the raw baseline: loading a static page from the same server.
 *
 * <p>{@code mvn -pl engine -am test -Dtest=ConsoleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbaton.bench.leads=100000 -Dbaton.bench.events=1000000 -Dbaton.bench.rounds=5}).
 */
class ConsoleBenchmark extends IntegrationTest {
    private static final int LEADS = Integer.getInteger("baton.bench.leads", 100_000);
    private static final int EVENTS = Integer.getInteger("baton.bench.events", 1_000_000);
    private static final int ROUNDS = Integer.getInteger("baton.bench.rounds", 5);
    private static final String[] NAMES = {"Page Viewed", "Page Viewed", "Page Viewed", "Page Viewed", "Email Opened",
            "Email Clicked", "Form Submitted", "Tier Changed", "Sales Accepted", "Sales Converted"};
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;

    @Test
    void consolePagesRenderWithAHundredThousandLeadsAndAMillionEvents() throws Exception {
        indices.ensureInstalled();
        long seeding = System.nanoTime();
        seed();
        System.out.printf("Seeded %,d leads and %,d events in %.0f s%n", LEADS, EVENTS, (System.nanoTime() - seeding) / 1e9);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createTempDirectory("baton-bench-chromium").toAbsolutePath());
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        try {
            browser.get(http.getRootUri() + "/console/");
            browser.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
            browser.findElement(By.cssSelector("#login button[type=submit]")).click();
            awaitReady(browser);
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("funnel", "#/funnel");
            pages.put("journeys", "#/journeys?key=baton-nurture");
            pages.put("rules", "#/rules");
            pages.put("leads (search)", "#/leads?q=hot");
            pages.put("lead", "#/leads/bench-lead-42");
            pages.put("advocacy", "#/advocacy");
            pages.put("sales", "#/sales");
            double baseline = median(ROUNDS, () -> {
                browser.get("about:blank");
                browser.get(http.getRootUri() + "/console/vendor/LICENSE-bpmn-js.txt");
                browser.findElement(By.tagName("body"));
            });
            System.out.printf("%nConsole render, %,d leads, %,d events, median of %d (ms); raw baseline (a static page from"
                    + " the same server): %.0f ms%n", LEADS, EVENTS, ROUNDS, baseline);
            var api = http.withBasicAuth("admin", ADMIN_PASSWORD);
            for (String path : List.of("/api/funnel", "/api/funnel?timing=false", "/api/campaigns", "/api/journeys",
                    "/api/leads?query=hot&size=50", "/api/advocacy/leaderboard")) {
                long first = System.nanoTime();
                api.getForEntity(path, String.class); // cold: caches, and the funnel's timing, filled by this call
                double cold = (System.nanoTime() - first) / 1e6;
                System.out.printf("API %-32s first %6.0f ms, then median %6.0f ms%n", path, cold,
                        median(ROUNDS, () -> api.getForEntity(path, String.class)));
            }
            System.out.printf("%-16s %10s %10s %8s%n", "page", "median ms", "max ms", "ratio");
            for (var page : pages.entrySet()) {
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < ROUNDS; i++) {
                    browser.get("about:blank"); // leave the console, so each round loads it anew
                    long started = System.nanoTime();
                    browser.get(http.getRootUri() + "/console/" + page.getValue());
                    awaitReady(browser);
                    times.add((System.nanoTime() - started) / 1e6);
                }
                times.sort(Double::compare);
                double median = times.get(times.size() / 2);
                System.out.printf("%-16s %10.0f %10.0f %8.1f%n", page.getKey(), median, times.get(times.size() - 1),
                        median / baseline);
            }
        } finally {
            browser.quit();
        }
    }

    private static void awaitReady(ChromeDriver browser) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"true".equals(browser.findElement(By.id("page")).getAttribute("data-ready"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not become ready within 60 s");
            }
            Thread.onSpinWait();
        }
    }

    private static double median(int rounds, Runnable action) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long started = System.nanoTime();
            action.run();
            times.add((System.nanoTime() - started) / 1e6);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }

    /** Leads and events written straight to Elasticsearch in bulk (the pipeline's own speed is another benchmark). */
    private void seed() throws Exception {
        Random random = new Random(42);
        Instant now = Instant.now();
        String[] tiers = {"cold", "cold", "cold", "warm", "warm", "hot"};
        for (int from = 0; from < LEADS; from += 5_000) {
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            for (int i = from; i < Math.min(LEADS, from + 5_000); i++) {
                String id = "bench-lead-" + i;
                String tier = tiers[random.nextInt(tiers.length)];
                Map<String, Object> lead = Map.of("id", id, "tier", tier, "score", random.nextInt(120), "tags", List.of(tier),
                        "emails", List.of(id + "@example.com"), "lastSeen", now.minusSeconds(random.nextInt(2_592_000)).toString(),
                        "eventCount", EVENTS / LEADS);
                bulk.operations(o -> o.index(x -> x.index(indices.leads()).id(id).document(lead)));
            }
            elasticsearch.bulk(bulk.build());
        }
        for (int from = 0; from < EVENTS; from += 10_000) {
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            for (int i = from; i < Math.min(EVENTS, from + 10_000); i++) {
                String name = NAMES[random.nextInt(NAMES.length)];
                Instant at = now.minusSeconds(random.nextInt(2_592_000));
                Map<String, Object> event = new java.util.HashMap<>(Map.of("messageId", "bench-" + i, "type", "track",
                        "event", name, "leadId", "bench-lead-" + random.nextInt(LEADS), "timestamp", at.toString()));
                event.put("properties", name.equals("Tier Changed") ? Map.of("to", random.nextBoolean() ? "hot" : "warm")
                        : Map.of("category", random.nextBoolean() ? "pricing" : "blog"));
                bulk.operations(o -> o.index(x -> x.index(indices.events(at)).id("bench-" + event.get("messageId")).document(event)));
            }
            elasticsearch.bulk(bulk.build());
        }
        elasticsearch.indices().refresh(RefreshRequest.of(r -> r.index(indices.allEvents(), indices.leads())));
    }
}
