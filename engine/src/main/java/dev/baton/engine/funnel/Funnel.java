package dev.baton.engine.funnel;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
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
import org.springframework.stereotype.Component;

/**
 * The marketing funnel, share → click → visit → form → MQL (warm) → SQL (hot) → accepted →
 * converted, for a period and optionally one campaign, by Elasticsearch aggregations: shares are
 * share links made, clicks the honest (counted) share clicks, and every later step the people
 * (distinct leads or visitors) with that event in the period. A campaign narrows the people to
 * those its shares brought first (up to 10,000 visitors and their leads).
 */
@Component
public class Funnel {
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
     * @param medianHours  how long people took from the previous step to this one (median over the
     *                     {@value #TIMING_SAMPLE} most recent people at this step who did both), null when unknown
     */
    public record StepCount(String step, long count, Double fromPrevious, Double medianHours) {
    }

    static final int TIMING_SAMPLE = 1_000;

    public record Report(String campaign, Instant from, Instant to, List<StepCount> steps) {
    }

    public Report report(String campaign, Instant from, Instant to) {
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
            if (people != null && people.isEmpty()) {
                later.forEach(step -> counts.put(step, 0L));
            } else {
                var response = client.search(s -> {
                    s.index(indices.allEvents()).size(0).query(scoped("timestamp", from, to, inPeople(people)));
                    for (Step step : later) {
                        s.aggregations(step.id(), a -> a.filter(step.people())
                                .aggregations("people", p -> p.cardinality(c -> c.field("leadId").precisionThreshold(40_000))));
                    }
                    return s;
                }, JsonNode.class);
                for (Step step : later) {
                    Aggregate aggregate = response.aggregations() == null ? null : response.aggregations().get(step.id());
                    counts.put(step, aggregate == null ? 0 : aggregate.filter().aggregations().get("people").cardinality().value());
                }
            }
            List<StepCount> steps = new ArrayList<>();
            Long previous = null;
            Step before = null;
            for (var entry : counts.entrySet()) {
                Double rate = previous == null || previous == 0 ? null : (double) entry.getValue() / previous;
                Double hours = before != null && before.ordinal() >= Step.VISIT.ordinal() && entry.getValue() > 0
                        ? medianHours(before, entry.getKey(), people, from, to) : null;
                steps.add(new StepCount(entry.getKey().id(), entry.getValue(), rate, hours));
                previous = entry.getValue();
                before = entry.getKey();
            }
            return new Report(campaign, from, to, steps);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw new SearchUnavailableException("computing the funnel failed: " + e.getMessage(), e);
        }
    }

    /** Median hours from each person's first event of {@code earlier} to their first of {@code later}. */
    private Double medianHours(Step earlier, Step later, Set<String> people, Instant from, Instant to) throws IOException {
        var response = client.search(s -> s.index(indices.allEvents()).size(0)
                .query(scoped("timestamp", from, to, Query.of(q -> q.bool(b -> {
                    b.filter(f -> f.bool(o -> o.should(earlier.people()).should(later.people()).minimumShouldMatch("1")));
                    Query in = inPeople(people);
                    if (in != null) {
                        b.filter(in);
                    }
                    return b;
                }))))
                .aggregations("people", a -> a.terms(t -> t.field("leadId").size(TIMING_SAMPLE)
                                .order(List.of(co.elastic.clients.util.NamedValue.of("latest",
                                        co.elastic.clients.elasticsearch._types.SortOrder.Desc))))
                        .aggregations("latest", m -> m.max(x -> x.field("timestamp")))
                        .aggregations("earlier", f -> f.filter(earlier.people())
                                .aggregations("at", m -> m.min(x -> x.field("timestamp"))))
                        .aggregations("later", f -> f.filter(later.people())
                                .aggregations("at", m -> m.min(x -> x.field("timestamp"))))), JsonNode.class);
        Aggregate sample = response.aggregations() == null ? null : response.aggregations().get("people");
        if (sample == null) {
            return null;
        }
        List<Double> hours = new ArrayList<>();
        for (var person : sample.sterms().buckets().array()) {
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
                                    .order(List.of(co.elastic.clients.util.NamedValue.of("latest",
                                            co.elastic.clients.elasticsearch._types.SortOrder.Desc))))
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
