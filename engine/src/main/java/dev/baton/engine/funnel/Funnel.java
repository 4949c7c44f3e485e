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
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.engine.advocacy.CampaignPeople;
import dev.baton.engine.advocacy.LinkFields;
import dev.baton.engine.leads.EventFields;
import dev.baton.engine.search.CompositePages;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The marketing funnel, share → click → visit → form → MQL (warm) → SQL (hot) → accepted →
 * converted, for a period and optionally one campaign, counted as a cohort by Elasticsearch
 * aggregations so that no step exceeds the one before: shares are the share links made in the
 * period, clicks those of them with a counted click; from visit on, each step counts the people
 * (leads or visitors) with that step's event in the period who also had every earlier step's,
 * and those who reached it without them apart, as entered there. A campaign narrows the people to
 * those its shares brought first (every one of them, page by page: {@code CampaignPeople}).
 */
@Component
class Funnel {
    /** Members (links, people) per page of the composite aggregations the cohorts are counted with. */
    static final int COHORT_PAGE = 5_000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final CampaignPeople campaigns;

    Funnel(ElasticsearchClient client, Indices indices, CampaignPeople campaigns) {
        this.client = client;
        this.indices = indices;
        this.campaigns = campaigns;
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
                        .filter(f -> f.terms(t -> t.field(EventFields.property("to")).terms(v -> v.value(List.of(
                                FieldValue.of("warm"), FieldValue.of("hot"))))))));
                case SQL -> Query.of(q -> q.bool(b -> b.filter(event("Tier Changed"))
                        .filter(f -> f.term(t -> t.field(EventFields.property("to")).value("hot")))));
                case ACCEPTED -> event("Sales Accepted");
                case CONVERTED -> Query.of(q -> q.terms(t -> t.field(EventFields.EVENT).terms(v -> v.value(List.of(
                        FieldValue.of("Sales Converted"))))));
                default -> throw new IllegalStateException(id + " is not counted in people");
            };
        }

        private static Query event(String name) {
            return Query.of(q -> q.term(t -> t.field(EventFields.EVENT).value(name)));
        }
    }

    /**
     * @param count        share links made (share); of those, the links clicked (click); people who
     *                     reached this step and every people step before it, from visit on (a cohort)
     * @param enteredHere  links clicked in the period but made before it (click); people who reached
     *                     this step without passing every step before it (count + enteredHere are
     *                     all the people with the step's event); 0 for share
     * @param fromPrevious count / the previous step's count (never above 1), null for share, for visit
     *                     (links before it, people from it on) and after an empty step
     * @param medianHours  how long people took from the previous step to this one (median over a sample:
     *                     the {@value #TIMING_SAMPLE} people most active in the two steps who did both; refreshed at
     *                     most once a minute), null when unknown
     */
    public record StepCount(String step, long count, long enteredHere, Double fromPrevious, Double medianHours) {
    }

    static final int TIMING_SAMPLE = 1_000;
    /** For a campaign, the ids the timing sample is drawn from: its first pages of people. */
    static final int TIMING_POOL = 10_000;
    /** A statistic over a sample that moves slowly: recomputed at most once a minute per campaign and period. */
    private static final Duration TIMINGS_KEPT = Duration.ofMinutes(1);
    private final Cache<String, Map<Step, Double>> timingsKept = Caffeine.newBuilder().expireAfterWrite(TIMINGS_KEPT)
            .maximumSize(100).build();

    public record Report(String campaign, Instant from, Instant to, List<StepCount> steps) {
    }

    public Report report(String campaign, Instant from, Instant to) {
        return report(campaign, from, to, true);
    }

    /** @param timing false to leave out the time between steps (one aggregation per step less) */
    public Report report(String campaign, Instant from, Instant to, boolean timing) {
        try {
            indices.ensureInstalled();
            Cohort links = links(campaign, from, to);
            List<Step> later = List.of(Step.VISIT, Step.FORM, Step.MQL, Step.SQL, Step.ACCEPTED, Step.CONVERTED);
            Cohort persons = new Cohort(later.size());
            // The time between steps over a sample: among everyone, or among the campaign's first
            // pages of people (up to TIMING_POOL ids).
            Set<String> pool = new java.util.HashSet<>();
            if (campaign == null) {
                persons(later, null, from, to, persons);
            } else {
                campaigns.forEachPage(campaign, people -> {
                    persons(later, people, from, to, persons);
                    if (pool.size() < TIMING_POOL) {
                        pool.addAll(people);
                    }
                });
            }
            Map<Step, Double> hours = new LinkedHashMap<>();
            if (timing && (campaign == null || !pool.isEmpty())) {
                hours.putAll(timings(later, campaign, campaign == null ? null : pool, from, to));
            }
            List<StepCount> steps = new ArrayList<>();
            steps.add(new StepCount(Step.SHARE.id(), links.passed[0], 0, null, null));
            steps.add(new StepCount(Step.CLICK.id(), links.passed[1], links.enteredHere[1], rate(links.passed[1], links.passed[0]),
                    null));
            for (int i = 0; i < later.size(); i++) {
                // Links before, people from here on: no rate across the change of unit.
                Double rate = i == 0 ? null : rate(persons.passed[i], persons.passed[i - 1]);
                steps.add(new StepCount(later.get(i).id(), persons.passed[i], persons.enteredHere[i], rate, hours.get(later.get(i))));
            }
            return new Report(campaign, from, to, steps);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw new SearchUnavailableException("computing the funnel failed: " + e.getMessage(), e);
        }
    }

    private static Double rate(long count, long previous) {
        return previous == 0 ? null : (double) count / previous;
    }

    /**
     * Per step, how many passed it and every step before it, and how many reached it without
     * having passed all those before (they entered the funnel here).
     */
    private record Cohort(long[] passed, long[] enteredHere) {
        Cohort(int steps) {
            this(new long[steps], new long[steps]);
        }

        /** One member, with whether it reached each step. */
        void add(boolean[] reached) {
            boolean passedAll = true;
            for (int i = 0; i < reached.length; i++) {
                if (reached[i]) {
                    if (passedAll) {
                        passed[i]++;
                    } else {
                        enteredHere[i]++;
                    }
                }
                passedAll &= reached[i];
            }
        }
    }

    /**
     * Share links made in the period (share), and of those the ones with a counted click in the
     * period (click); links made before the period but clicked in it entered at click. One
     * composite aggregation over both indices by share code, paged through every link: exact at
     * any size, no documents fetched.
     */
    private Cohort links(String campaign, Instant from, Instant to) throws IOException {
        Query inCampaign = campaign == null ? null : Query.of(q -> q.term(t -> t.field(LinkFields.CAMPAIGN).value(campaign)));
        Query made = scoped(LinkFields.CREATED_AT, from, to, Query.of(q -> q.bool(b -> {
            b.filter(f -> f.term(t -> t.field("_index").value(indices.shares())));
            if (inCampaign != null) {
                b.filter(inCampaign);
            }
            return b;
        })));
        Query clicked = scoped(LinkFields.CLICKED_AT, from, to, Query.of(q -> q.bool(b -> {
            b.filter(f -> f.term(t -> t.field("_index").value(indices.shareClicks())));
            b.filter(f -> f.term(t -> t.field(LinkFields.COUNTED).value(true)));
            if (inCampaign != null) {
                b.filter(inCampaign);
            }
            return b;
        })));
        Cohort links = new Cohort(2);
        cohort(List.of(indices.shares(), indices.shareClicks()), LinkFields.CODE,
                Query.of(q -> q.bool(b -> b.should(made).should(clicked).minimumShouldMatch("1"))), List.of(made, clicked), links);
        return links;
    }

    /**
     * People (leads or visitors, by leadId; all, or those with these ids) with each step's event in
     * the period, added to {@code into}; a person counts at a step when they also reached every step
     * before it, else as entered there.
     */
    private void persons(List<Step> steps, Set<String> people, Instant from, Instant to, Cohort into) throws IOException {
        Query any = Query.of(q -> q.bool(b -> {
            steps.forEach(step -> b.should(step.people()));
            return b.minimumShouldMatch("1");
        }));
        Query in = inPeople(people);
        Query scope = scoped(EventFields.TIMESTAMP, from, to, in == null ? any : Query.of(q -> q.bool(b -> b.filter(in).filter(any))));
        cohort(List.of(indices.allEvents()), EventFields.LEAD_ID, scope, steps.stream().map(Step::people).toList(), into);
    }

    /**
     * Pages a composite aggregation over every member (a value of {@code key}) of the documents
     * in scope, adding them to {@code cohort}; a member reached step i when one of its documents
     * matches {@code steps.get(i)}.
     */
    private void cohort(List<String> index, String key, Query scope, List<Query> steps, Cohort cohort) throws IOException {
        Map<String, Aggregation> reachedSteps = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Query step = steps.get(i);
            reachedSteps.put("step" + i, Aggregation.of(f -> f.filter(step)));
        }
        CompositePages.forEach(client, index, scope, key, COHORT_PAGE, reachedSteps, members -> {
            for (var member : members) {
                boolean[] reached = new boolean[steps.size()];
                for (int i = 0; i < reached.length; i++) {
                    reached[i] = member.aggregations().get("step" + i).filter().docCount() > 0;
                }
                cohort.add(reached);
            }
        });
    }

    /**
     * The median hours between steps, computed at most once a minute per campaign and period on
     * each node: a statistic over a sample that moves slowly, and the costliest figure of the
     * funnel (counts stay live).
     *
     * @param people for a campaign, the ids of its first pages of people (in the order of their
     *               visitor ids, which are random); null for everyone
     */
    private Map<Step, Double> timings(List<Step> steps, String campaign, Set<String> people, Instant from, Instant to)
            throws IOException {
        String key = (campaign == null ? "*" : "campaign:" + campaign) + "|" + from + "|" + to;
        Map<Step, Double> known = timingsKept.getIfPresent(key);
        if (known != null) {
            return known;
        }
        var response = client.search(s -> {
            s.index(indices.allEvents()).size(0).query(scoped(EventFields.TIMESTAMP, from, to, inPeople(people)));
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
        timingsKept.put(key, Map.copyOf(hours));
        return hours;
    }

    /**
     * For a sample of people (the {@value #TIMING_SAMPLE} with most events of the two steps; only
     * they get the sub-aggregations, breadth first), each one's first event of either step.
     */
    private static Aggregation timing(Step earlier, Step later) {
        return Aggregation.of(a -> a
                .filter(f -> f.bool(o -> o.should(earlier.people()).should(later.people()).minimumShouldMatch("1")))
                .aggregations("people", p -> p.terms(t -> t.field(EventFields.LEAD_ID).size(TIMING_SAMPLE)
                                .collectMode(TermsAggregationCollectMode.BreadthFirst))
                        .aggregations("earlier", f -> f.filter(earlier.people()).aggregations("at", m -> m.min(x -> x.field(EventFields.TIMESTAMP))))
                        .aggregations("later", f -> f.filter(later.people()).aggregations("at", m -> m.min(x -> x.field(EventFields.TIMESTAMP))))));
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
            if (campaign == null) {
                return latestAt(step, null, from, to, size).stream().map(Latest::lead).toList();
            }
            // The most recent of each page's most recent: the campaign's most recent.
            List<Latest> latest = new ArrayList<>();
            campaigns.forEachPage(campaign, people -> latest.addAll(latestAt(step, people, from, to, size)));
            return latest.stream().sorted(Comparator.comparingDouble(Latest::at).reversed()).limit(size)
                    .map(Latest::lead).toList();
        } catch (IOException e) {
            throw new SearchUnavailableException("listing the leads at a funnel step failed: " + e.getMessage(), e);
        }
    }

    private record Latest(String lead, double at) {
    }

    /** The {@code size} leads (all, or among these ids) whose event of the step is the most recent. */
    private List<Latest> latestAt(Step step, Set<String> people, Instant from, Instant to, int size) throws IOException {
        var response = client.search(s -> s.index(indices.allEvents()).size(0)
                .query(scoped(EventFields.TIMESTAMP, from, to, Query.of(q -> q.bool(b -> {
                    b.filter(step.people());
                    Query in = inPeople(people);
                    if (in != null) {
                        b.filter(in);
                    }
                    return b;
                }))))
                .aggregations("leads", a -> a.terms(t -> t.field(EventFields.LEAD_ID).size(size)
                                .order(List.of(NamedValue.of("latest", SortOrder.Desc))))
                        .aggregations("latest", m -> m.max(x -> x.field(EventFields.TIMESTAMP)))), JsonNode.class);
        Aggregate leads = response.aggregations() == null ? null : response.aggregations().get("leads");
        return leads == null ? List.of() : leads.sterms().buckets().array().stream()
                .map(b -> new Latest(b.key().stringValue(), b.aggregations().get("latest").max().value())).toList();
    }

    private static Query inPeople(Set<String> people) {
        if (people == null) {
            return null;
        }
        List<FieldValue> ids = people.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(EventFields.LEAD_ID).terms(v -> v.value(ids))));
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
