package dev.baton.engine.funnel;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.TermsAggregationCollectMode;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.NamedValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The marketing funnel, share → click → visit → form → MQL (warm) → SQL (hot) → accepted →
 * converted, for a period and optionally one campaign, by Elasticsearch aggregations: shares are
 * share links made, clicks the honest (counted) share clicks, and every later step the people
 * (distinct leads or visitors) with that event in the period. A campaign narrows the people to
 * those its shares brought first (up to 10,000 visitors and their leads).
 */
@Component
class Funnel {
    static final int MAX_CAMPAIGN_PEOPLE = 10_000;
    private final ElasticsearchClient client;
    private final Indices indices;

    Funnel(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /** One step of the funnel. */
    public enum Step {
        SHARE("share"), CLICK("click"), VISIT("visit"), FORM("form"), MQL("mql"), SQL("sql"), ACCEPTED("accepted"),
        CONVERTED("converted");

        private final String id;

        Step(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Step of(String id) {
            for (Step step : values()) {
                if (step.id.equals(id)) {
                    return step;
                }
            }
            throw new IllegalArgumentException("no funnel step '" + id + "'; steps: share, click, visit, form, mql, sql,"
                    + " accepted, converted");
        }

        /** The events whose people are at this step (share and click are counted elsewhere). */
        Query people() {
            return switch (this) {
                case VISIT -> event("Page Viewed");
                case FORM -> event("Form Submitted");
                case MQL -> Query.of(q -> q.bool(b -> b.filter(event("Tier Changed"))
                        .filter(f -> f.terms(t -> t.field("properties.to").terms(v -> v.value(List.of(
                                FieldValue.of("warm"), FieldValue.of("hot"))))))));
                case SQL -> Query.of(q -> q.bool(b -> b.filter(event("Tier Changed"))
                        .filter(f -> f.term(t -> t.field("properties.to").value("hot")))));
                case ACCEPTED -> event("Sales Accepted");
                case CONVERTED -> Query.of(q -> q.terms(t -> t.field("event").terms(v -> v.value(List.of(
                        FieldValue.of("Sales Converted"))))));
                default -> throw new IllegalStateException(id + " is not counted in people");
            };
        }

        private static Query event(String name) {
            return Query.of(q -> q.term(t -> t.field("event").value(name)));
        }
    }

    /**
     * @param count        shares, clicks, or people at the step
     * @param fromPrevious count / the previous step's count, null for the first or after an empty step
     * @param medianHours  how long people took from the previous step to this one (median over a sample:
     *                     the {@value #TIMING_SAMPLE} people most active in the two steps who did both; refreshed at
     *                     most once a minute), null when unknown
     */
    public record StepCount(String step, long count, Double fromPrevious, Double medianHours) {
    }

    static final int TIMING_SAMPLE = 1_000;
    private static final long TIMING_CACHE_MILLIS = 60_000;
    private final Map<String, CachedTimings> timingCache = new ConcurrentHashMap<>();

    public record Report(String campaign, Instant from, Instant to, List<StepCount> steps) {
    }

    public Report report(String campaign, Instant from, Instant to) {
        return report(campaign, from, to, true);
    }

    /** @param timing false to leave out the time between steps (one aggregation per step less) */
    public Report report(String campaign, Instant from, Instant to, boolean timing) {
        try {
            indices.ensureInstalled();
            Set<String> people = campaign == null ? null : peopleOf(campaign);
            Map<Step, Long> counts = new LinkedHashMap<>();
            counts.put(Step.SHARE, client.count(c -> c.index(indices.shares()).query(scoped("createdAt", from, to,
                    campaign == null ? null : Query.of(q -> q.term(t -> t.field("campaign").value(campaign)))))).count());
            counts.put(Step.CLICK, client.count(c -> c.index(indices.shareClicks()).query(scoped("at", from, to,
                    Query.of(q -> q.bool(b -> {
                        b.filter(f -> f.term(t -> t.field("counted").value(true)));
                        if (campaign != null) {
                            b.filter(f -> f.term(t -> t.field("campaign").value(campaign)));
                        }
                        return b;
                    }))))).count());
            List<Step> later = List.of(Step.VISIT, Step.FORM, Step.MQL, Step.SQL, Step.ACCEPTED, Step.CONVERTED);
            Map<Step, Double> hours = new LinkedHashMap<>();
            if (people != null && people.isEmpty()) {
                later.forEach(step -> counts.put(step, 0L));
            } else {
                // One pass over the events: people per step.
                var response = client.search(s -> {
                    s.index(indices.allEvents()).size(0).query(scoped("timestamp", from, to, inPeople(people)));
                    for (int i = 0; i < later.size(); i++) {
                        Step step = later.get(i);
                        s.aggregations(step.id(), a -> a.filter(step.people())
                                .aggregations("people", p -> p.cardinality(c -> c.field("leadId").precisionThreshold(40_000))));
                    }
                    return s;
                }, JsonNode.class);
                for (Step step : later) {
                    Aggregate aggregate = response.aggregations() == null ? null : response.aggregations().get(step.id());
                    counts.put(step, aggregate == null ? 0 : aggregate.filter().aggregations().get("people").cardinality().value());
                }
                if (timing) {
                    hours.putAll(timings(later, people, from, to));
                }
            }
            List<StepCount> steps = new ArrayList<>();
            Long previous = null;
            for (var entry : counts.entrySet()) {
                Double rate = previous == null || previous == 0 ? null : (double) entry.getValue() / previous;
                steps.add(new StepCount(entry.getKey().id(), entry.getValue(), rate, hours.get(entry.getKey())));
                previous = entry.getValue();
            }
            return new Report(campaign, from, to, steps);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw new SearchUnavailableException("computing the funnel failed: " + e.getMessage(), e);
        }
    }

    /**
     * The median hours between steps, computed at most once a minute per campaign and period on
     * each node: a statistic over a sample that moves slowly, and the costliest figure of the
     * funnel (counts stay live).
     */
    private Map<Step, Double> timings(List<Step> steps, Set<String> people, Instant from, Instant to) throws IOException {
        String key = (people == null ? "" : Integer.toHexString(people.hashCode())) + "|" + from + "|" + to;
        long now = System.currentTimeMillis();
        CachedTimings cached = timingCache.get(key);
        if (cached != null && now - cached.at() < TIMING_CACHE_MILLIS) {
            return cached.hours();
        }
        var response = client.search(s -> {
            s.index(indices.allEvents()).size(0).query(scoped("timestamp", from, to, inPeople(people)));
            for (int i = 1; i < steps.size(); i++) {
                s.aggregations("time-" + steps.get(i).id(), timing(steps.get(i - 1), steps.get(i)));
            }
            return s;
        }, JsonNode.class);
        Map<Step, Double> hours = new LinkedHashMap<>();
        for (int i = 1; i < steps.size(); i++) {
            Double median = response.aggregations() == null ? null : medianHours(response.aggregations().get("time-" + steps.get(i).id()));
            if (median != null) {
                hours.put(steps.get(i), median);
            }
        }
        if (timingCache.size() > 100) {
            timingCache.clear();
        }
        timingCache.put(key, new CachedTimings(Map.copyOf(hours), now));
        return hours;
    }

    private record CachedTimings(Map<Step, Double> hours, long at) {
    }

    /**
     * For a sample of people (the {@value #TIMING_SAMPLE} with most events of the two steps; only
     * they get the sub-aggregations, breadth first), each one's first event of either step.
     */
    private static Aggregation timing(Step earlier, Step later) {
        return Aggregation.of(a -> a
                .filter(f -> f.bool(o -> o.should(earlier.people()).should(later.people()).minimumShouldMatch("1")))
                .aggregations("people", p -> p.terms(t -> t.field("leadId").size(TIMING_SAMPLE)
                                .collectMode(TermsAggregationCollectMode.BreadthFirst))
                        .aggregations("earlier", f -> f.filter(earlier.people()).aggregations("at", m -> m.min(x -> x.field("timestamp"))))
                        .aggregations("later", f -> f.filter(later.people()).aggregations("at", m -> m.min(x -> x.field("timestamp"))))));
    }

    /** Median hours from each sampled person's first event of the earlier step to their first of the later. */
    private static Double medianHours(Aggregate timing) {
        if (timing == null) {
            return null;
        }
        List<Double> hours = new ArrayList<>();
        for (var person : timing.filter().aggregations().get("people").sterms().buckets().array()) {
            var first = person.aggregations().get("earlier").filter();
            var second = person.aggregations().get("later").filter();
            if (first.docCount() > 0 && second.docCount() > 0) {
                double gap = second.aggregations().get("at").min().value() - first.aggregations().get("at").min().value();
                if (gap >= 0) {
                    hours.add(gap / 3_600_000.0);
                }
            }
        }
        if (hours.isEmpty()) {
            return null;
        }
        hours.sort(Double::compare);
        return hours.get(hours.size() / 2);
    }

    /** The leads at a step (most recent first), for drilling down from a figure. */
    public List<String> leadsAt(Step step, String campaign, Instant from, Instant to, int size) {
        if (step == Step.SHARE || step == Step.CLICK) {
            throw new IllegalArgumentException("step '" + step.id() + "' counts links and clicks, not leads; drill into visit or later");
        }
        try {
            indices.ensureInstalled();
            Set<String> people = campaign == null ? null : peopleOf(campaign);
            if (people != null && people.isEmpty()) {
                return List.of();
            }
            var response = client.search(s -> s.index(indices.allEvents()).size(0)
                    .query(scoped("timestamp", from, to, Query.of(q -> q.bool(b -> {
                        b.filter(step.people());
                        Query in = inPeople(people);
                        if (in != null) {
                            b.filter(in);
                        }
                        return b;
                    }))))
                    .aggregations("leads", a -> a.terms(t -> t.field("leadId").size(size)
                                    .order(List.of(NamedValue.of("latest",
                                            SortOrder.Desc))))
                            .aggregations("latest", m -> m.max(x -> x.field("timestamp")))), JsonNode.class);
            Aggregate leads = response.aggregations() == null ? null : response.aggregations().get("leads");
            return leads == null ? List.of() : leads.sterms().buckets().array().stream().map(b -> b.key().stringValue()).toList();
        } catch (IOException e) {
            throw new SearchUnavailableException("listing the leads at a funnel step failed: " + e.getMessage(), e);
        }
    }

    /** Visitors the campaign's shares brought first, and the leads they became. */
    private Set<String> peopleOf(String campaign) throws IOException {
        Set<String> people = new LinkedHashSet<>();
        var visitors = client.search(s -> s.index(indices.attribution()).size(MAX_CAMPAIGN_PEOPLE).source(f -> f.fetch(false))
                .query(q -> q.term(t -> t.field("firstTouch.campaign").value(campaign))), JsonNode.class);
        visitors.hits().hits().forEach(hit -> people.add(hit.id()));
        if (people.isEmpty()) {
            return people;
        }
        List<FieldValue> ids = people.stream().map(FieldValue::of).toList();
        var leads = client.search(s -> s.index(indices.leads()).size(MAX_CAMPAIGN_PEOPLE).source(f -> f.fetch(false))
                .query(q -> q.terms(t -> t.field("anonymousIds").terms(v -> v.value(ids)))), JsonNode.class);
        leads.hits().hits().forEach(hit -> people.add(hit.id()));
        return people;
    }

    private static Query inPeople(Set<String> people) {
        if (people == null) {
            return null;
        }
        List<FieldValue> ids = people.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field("leadId").terms(v -> v.value(ids))));
    }

    private static Query scoped(String field, Instant from, Instant to, Query also) {
        return Query.of(q -> q.bool(b -> {
            if (from != null || to != null) {
                b.filter(f -> f.range(r -> r.untyped(u -> {
                    u.field(field);
                    if (from != null) {
                        u.gte(JsonData.of(from.toString()));
                    }
                    if (to != null) {
                        u.lt(JsonData.of(to.toString()));
                    }
                    return u;
                })));
            }
            if (also != null) {
                b.filter(also);
            }
            return b;
        }));
    }
}
