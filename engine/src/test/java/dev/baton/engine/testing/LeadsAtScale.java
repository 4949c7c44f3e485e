package dev.baton.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.leads.SortableNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * Seeds Elasticsearch with realistic leads and their events, straight into Baton's indices in
 * bulk (no pipeline, no Kafka): for the segment benchmarks and for anyone who wants to try Baton
 * at scale. Deterministic for a seed: the same arguments give the same people and events, and
 * every lead's profile agrees with its events (event count, first and last seen, tags, tier).
 *
 * <p>People: 12 cities (Shanghai about one in six), company sizes from 2 to 20,000, 6 industries,
 * plans; events over the last 90 days: page views (three in five; pricing, guide, blog, docs, case
 * study), email opens and clicks, forms, webinars. Tags follow what each did (interest:guide for a
 * guide reader, intent:pricing for two pricing views within 7 days); score and tier loosely follow
 * activity.
 */
public final class LeadsAtScale {
    static final String[] CITIES = {"Shanghai", "Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Guangzhou", "Chengdu",
            "Nanjing", "Wuhan", "Suzhou", "Singapore", "Berlin", "London", "New York"};
    static final String[] INDUSTRIES = {"software", "retail", "finance", "manufacturing", "education", "healthcare"};
    static final String[] CATEGORIES = {"pricing", "guide", "blog", "docs", "case-study"};
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);
    private static final int BULK = 5_000;
    private static final long THIRTY_DAYS = 30L * 24 * 3600;

    private final RestClient rest;
    private final String prefix;
    private final ObjectMapper json = new ObjectMapper();

    /** @param prefix Baton's index prefix ({@code baton.elasticsearch.index-prefix}); its indices must be installed */
    public LeadsAtScale(RestClient rest, String prefix) {
        this.rest = rest;
        this.prefix = prefix;
    }

    /** What was seeded. */
    public record Seeded(long leads, long events, double seconds) {
        public double documentsPerSecond() {
            return (leads + events) / seconds;
        }
    }

    /**
     * Writes {@code leads} leads ({@code <idPrefix>-<n>}) and about {@code events} events between
     * them, on {@code threads} threads, with progress on stdout every million documents.
     */
    public Seeded seed(String idPrefix, int leads, long events, long seed, Instant now, int threads) throws Exception {
        long started = System.nanoTime();
        pauseRefresh(true);
        AtomicLong writtenEvents = new AtomicLong();
        AtomicLong documents = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            double perLead = (double) events / leads;
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) leads * t / threads);
                int to = (int) ((long) leads * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    seedRange(idPrefix, from, to, perLead, seed, now, writtenEvents, documents);
                    return null;
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
        } finally {
            pool.shutdown();
            pauseRefresh(false);
        }
        rest.performRequest(new Request("POST", "/" + prefix + "-leads," + prefix + "-events-*/_refresh?allow_no_indices=true&ignore_unavailable=true"));
        return new Seeded(leads, writtenEvents.get(), (System.nanoTime() - started) / 1e9);
    }

    private void seedRange(String idPrefix, int from, int to, double perLead, long seed, Instant now,
                           AtomicLong writtenEvents, AtomicLong documents) throws IOException {
        StringBuilder bulk = new StringBuilder();
        int inBulk = 0;
        for (int n = from; n < to; n++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
            String id = idPrefix + "-" + n;
            int count = Math.max(1, (int) Math.round(-Math.log(1 - random.nextDouble()) * perLead));
            List<Instant> times = new ArrayList<>(count);
            List<String[]> happened = new ArrayList<>(count);
            for (int e = 0; e < count; e++) {
                long ago = random.nextLong(90L * 24 * 3600);
                // Nothing within an hour of the 30-day mark: a count taken minutes after seeding
                // (a "last 30 days" judged a little later) is the same as one taken at once.
                if (Math.abs(ago - THIRTY_DAYS) < 3600) {
                    ago += 7200;
                }
                times.add(now.minus(Duration.ofSeconds(ago)));
            }
            times.sort(null);
            boolean guide = false;
            Instant lastPricing = null;
            boolean pricingIntent = false;
            int points = 0;
            for (int e = 0; e < count; e++) {
                double kind = random.nextDouble();
                String name;
                String category = null;
                if (kind < 0.6) {
                    name = "Page Viewed";
                    category = CATEGORIES[random.nextInt(CATEGORIES.length)];
                    points += category.equals("pricing") ? 21 : category.equals("case-study") ? 11 : 1;
                    if (category.equals("guide")) {
                        guide = true;
                    }
                    if (category.equals("pricing")) {
                        if (lastPricing != null && Duration.between(lastPricing, times.get(e)).toDays() < 7) {
                            pricingIntent = true;
                        }
                        lastPricing = times.get(e);
                    }
                } else if (kind < 0.8) {
                    name = "Email Opened";
                } else if (kind < 0.9) {
                    name = "Email Clicked";
                    points += 5;
                } else if (kind < 0.96) {
                    name = "Form Submitted";
                    points += 15;
                } else {
                    name = "Webinar Registered";
                    points += 5;
                }
                happened.add(new String[] {name, category});
            }
            // Events
            for (int e = 0; e < count; e++) {
                Instant at = times.get(e);
                String messageId = id + "-e" + e;
                ObjectNode event = json.createObjectNode();
                event.put("messageId", messageId).put("type", happened.get(e)[0].equals("Page Viewed") ? "page" : "track")
                        .put("event", happened.get(e)[0]).put("name", happened.get(e)[0]).put("userId", id + "-user")
                        .put("leadId", id).put("timestamp", at.toString()).put("receivedAt", at.toString());
                ObjectNode properties = event.putObject("properties");
                if (happened.get(e)[1] != null) {
                    properties.put("category", happened.get(e)[1]);
                }
                bulk.append("{\"index\":{\"_index\":\"").append(prefix).append("-events-").append(MONTH.format(at))
                        .append("\",\"_id\":\"").append(messageId).append("\"}}\n").append(event).append('\n');
                inBulk++;
            }
            writtenEvents.addAndGet(count);
            // The lead
            int score = Math.min(100, points);
            ObjectNode lead = json.createObjectNode();
            lead.put("id", id);
            lead.putArray("userIds").add(id + "-user");
            lead.putArray("anonymousIds");
            lead.putArray("emails").add(id + "@example.com");
            lead.putArray("phones");
            lead.put("score", score).put("tier", score >= 60 ? "hot" : score >= 25 ? "warm" : "cold");
            ArrayNode tags = lead.putArray("tags");
            if (guide) {
                tags.add("interest:guide");
            }
            if (pricingIntent) {
                tags.add("intent:pricing");
            }
            lead.put("ruleSetVersion", "default").put("firstSeen", times.get(0).toString())
                    .put("lastSeen", times.get(count - 1).toString()).put("eventCount", count);
            ObjectNode traits = lead.putObject("traits");
            int employees = (int) Math.round(Math.exp(Math.log(2) + random.nextDouble() * Math.log(10_000)));
            traits.put("email", id + "@example.com").put("city", CITIES[random.nextInt(CITIES.length)])
                    .put("industry", INDUSTRIES[random.nextInt(INDUSTRIES.length)]).put("employees", employees)
                    .put("plan", random.nextDouble() < 0.2 ? "paid" : "trial");
            lead.putObject("traitNumbers").put("employees", SortableNumber.of(employees));
            lead.putObject("points").put("behaviour", score).put("fit", 0).put("asOf", times.get(count - 1).toString());
            bulk.append("{\"index\":{\"_index\":\"").append(prefix).append("-leads\",\"_id\":\"").append(id).append("\"}}\n")
                    .append(lead).append('\n');
            inBulk++;
            if (inBulk >= BULK) {
                send(bulk);
                progress(documents.addAndGet(inBulk), inBulk);
                bulk.setLength(0);
                inBulk = 0;
            }
        }
        if (inBulk > 0) {
            send(bulk);
            progress(documents.addAndGet(inBulk), inBulk);
        }
    }

    private static void progress(long total, int added) {
        if (total / 1_000_000 != (total - added) / 1_000_000) {
            System.out.printf("  seeded %,d documents%n", total / 1_000_000 * 1_000_000);
        }
    }

    private void send(StringBuilder bulk) throws IOException {
        Request request = new Request("POST", "/_bulk");
        request.setEntity(new NByteArrayEntity(bulk.toString().getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON));
        Response response = rest.performRequest(request);
        String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        if (body.contains("\"errors\":true")) {
            throw new IOException("bulk write refused: " + body.substring(0, Math.min(2_000, body.length())));
        }
    }

    /** No refreshes while loading (each would make a segment per index): the load is made searchable once at the end. */
    private void pauseRefresh(boolean paused) throws IOException {
        Request request = new Request("PUT", "/" + prefix + "-leads," + prefix + "-events-*/_settings?allow_no_indices=true&ignore_unavailable=true");
        request.setJsonEntity("{\"index\":{\"refresh_interval\":\"" + (paused ? "-1" : "1s") + "\"}}");
        rest.performRequest(request);
    }

}
