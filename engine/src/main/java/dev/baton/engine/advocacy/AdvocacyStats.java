package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.rules.advocacy.AdvocacyActivity;
import dev.baton.rules.advocacy.AdvocacyPoints;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Reach, engagement and points per employee and team, computed by Elasticsearch aggregations
 * over share clicks (counted ones only), share links and attribution, for a campaign and period.
 * Points come from the active advocacy rules over these honest counts.
 */
@Component
class AdvocacyStats {
    /** Events of a person brought: up to 2 light, up to 9 medium, 10 or more heavy. */
    static final int MEDIUM = 3;
    static final int HEAVY = 10;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final AdvocacyStore store;
    private final AdvocacyRuleSets rules;
    private final BroughtVisitors visitors;

    AdvocacyStats(ElasticsearchClient client, Indices indices, AdvocacyStore store, AdvocacyRuleSets rules,
                  BroughtVisitors visitors) {
        this.client = client;
        this.indices = indices;
        this.store = store;
        this.rules = rules;
        this.visitors = visitors;
    }

    /** Which clicks, shares and visitors count: a campaign (or all) and a period (or all time). */
    record Scope(String campaign, Instant from, Instant to) {
    }

    record Engagement(long light, long medium, long heavy) {
    }

    record EmployeeStats(String employee, String name, String team, long shares, long clicks, long reach, long directReach,
                         long chainReach, int maxDepth, Engagement engagement, long forms, long leads, long hotLeads,
                         Map<String, Long> excluded, long points, Map<String, Long> pointsByReason, int rank,
                         @com.fasterxml.jackson.annotation.JsonIgnore long conversions) {
    }

    /** @param conversions leads the team's shares brought that sales converted (a team result, never shown per person) */
    record TeamStats(String team, String name, String manager, int members, long shares, long reach, long forms,
                     long leads, long hotLeads, long conversions, long points, int rank) {
    }

    /** Employees ranked by points (then reach), optionally only one team's. */
    List<EmployeeStats> leaderboard(Scope scope, String team) {
        return board(scope, team).rows();
    }

    /** The ranked rows, and the counts they came from (with each team's and the total's, every person once). */
    private record Board(List<EmployeeStats> rows, Counts counts) {
    }

    private Board board(Scope scope, String team) {
        List<Employee> employees = store.employees(team);
        if (employees.isEmpty()) {
            return new Board(List.of(), new Counts());
        }
        Counts counts = counts(scope, employees);
        List<AdvocacyActivity> activities = new ArrayList<>();
        for (Employee e : employees) {
            activities.add(new AdvocacyActivity(e.id(), e.team(), counts.shares(e.id()), counts.direct(e.id()),
                    Math.max(0, counts.reach(e.id()) - counts.direct(e.id())), counts.depth(e.id()),
                    counts.engagement(e.id()).medium() + counts.engagement(e.id()).heavy(), counts.forms(e.id())));
        }
        Map<String, AdvocacyPoints> points = rules.active().award(activities);
        List<EmployeeStats> rows = new ArrayList<>();
        for (Employee e : employees) {
            AdvocacyPoints p = points.get(e.id());
            long reach = counts.reach(e.id());
            long direct = counts.direct(e.id());
            rows.add(new EmployeeStats(e.id(), e.name(), e.team(), counts.shares(e.id()), counts.clicks(e.id()), reach, direct,
                    Math.max(0, reach - direct), counts.depth(e.id()), counts.engagement(e.id()), counts.forms(e.id()),
                    counts.leads(e.id()), counts.hotLeads(e.id()), counts.excluded(e.id()), p.total(), p.byReason(), 0,
                    counts.converted.getOrDefault(e.id(), 0L)));
        }
        rows.sort(Comparator.comparingLong(EmployeeStats::points).reversed()
                .thenComparing(Comparator.comparingLong(EmployeeStats::reach).reversed())
                .thenComparing(EmployeeStats::employee));
        List<EmployeeStats> ranked = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            EmployeeStats r = rows.get(i);
            ranked.add(new EmployeeStats(r.employee(), r.name(), r.team(), r.shares(), r.clicks(), r.reach(), r.directReach(),
                    r.chainReach(), r.maxDepth(), r.engagement(), r.forms(), r.leads(), r.hotLeads(), r.excluded(), r.points(),
                    r.pointsByReason(), i + 1, r.conversions()));
        }
        return new Board(ranked, counts);
    }

    /** One employee's figures (their rank among everyone). */
    EmployeeStats employee(String id, Scope scope) {
        if (store.employee(id) == null) {
            throw new AdvocacyNotFoundException("no employee '" + id + "'");
        }
        return leaderboard(scope, null).stream().filter(s -> s.employee().equals(id)).findFirst().orElseThrow();
    }

    /**
     * Teams ranked by their members' points; results (leads) per team, never per person. A visitor
     * two members brought (one re-shared the other's link) counts once for the team.
     */
    List<TeamStats> teams(Scope scope) {
        Board board = board(scope, null);
        Map<String, Long> teamReach = teamReach(scope);
        List<TeamStats> rows = new ArrayList<>();
        for (Team team : store.teams()) {
            List<EmployeeStats> members = board.rows().stream().filter(s -> team.id().equals(s.team())).toList();
            Brought brought = board.counts().brought(Counts.TEAM + team.id());
            rows.add(new TeamStats(team.id(), team.name(), team.manager(), members.size(),
                    members.stream().mapToLong(EmployeeStats::shares).sum(), teamReach.getOrDefault(team.id(), 0L),
                    brought.forms, brought.leads, brought.hot, brought.converted,
                    members.stream().mapToLong(EmployeeStats::points).sum(), 0));
        }
        rows.sort(Comparator.comparingLong(TeamStats::points).reversed().thenComparing(Comparator.comparingLong(TeamStats::reach)
                .reversed()).thenComparing(TeamStats::team));
        List<TeamStats> ranked = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            TeamStats t = rows.get(i);
            ranked.add(new TeamStats(t.team(), t.name(), t.manager(), t.members(), t.shares(), t.reach(), t.forms(), t.leads(),
                    t.hotLeads(), t.conversions(), t.points(), i + 1));
        }
        return ranked;
    }

    /**
     * A campaign's totals. Clicks, reach and depth are counted over its clicks (a visitor two
     * employees reached is one); so is what employees brought first (forms, leads, hot leads,
     * conversions, engagement): a person two employees' chain brought counts once.
     *
     * @param shares links made for the campaign, re-shares included; sharers, the employees among them
     */
    record CampaignStats(String campaign, String name, long shares, long sharers, long clicks, long reach, int maxDepth,
                         Engagement engagement, long forms, long leads, long hotLeads, long conversions, long points,
                         Map<String, Long> excluded) {
    }

    CampaignStats campaign(Scope scope) {
        Campaign campaign = store.campaign(scope.campaign());
        if (campaign == null) {
            throw new AdvocacyNotFoundException("no campaign '" + scope.campaign() + "'");
        }
        Board board = board(scope, null);
        List<EmployeeStats> everyone = board.rows();
        Brought brought = board.counts().brought(Counts.TOTAL);
        try {
            var clicks = client.search(s -> s.index(indices.shareClicks()).size(0).trackTotalHits(t -> t.enabled(true))
                    .query(clicksIn(scope, null, true))
                    .aggregations("reach", a -> a.cardinality(c -> c.field("visitor").precisionThreshold(40_000)))
                    .aggregations("depth", a -> a.max(m -> m.field("depth"))), JsonNode.class);
            long shares = client.count(c -> c.index(indices.shares()).query(q -> q.bool(b -> {
                b.filter(f -> f.term(t -> t.field("campaign").value(scope.campaign())));
                period(b, "createdAt", scope);
                return b;
            }))).count();
            double depth = clicks.aggregations().get("depth").max().value();
            return new CampaignStats(campaign.id(), campaign.name(), shares, everyone.stream().filter(e -> e.shares() > 0).count(),
                    clicks.hits().total() == null ? 0 : clicks.hits().total().value(),
                    clicks.aggregations().get("reach").cardinality().value(), Double.isFinite(depth) ? (int) depth : 0,
                    brought.engagement(), brought.forms, brought.leads, brought.hot, brought.converted,
                    everyone.stream().mapToLong(EmployeeStats::points).sum(), excluded(scope));
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("computing the figures of campaign " + scope.campaign() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** @param reach unique visitors through the link and its re-shares; direct only through the link itself */
    record ShareReach(String code, long clicks, long reach, long directReach, int maxDepth) {
    }

    /** One link's reach, whoever made it (an employee or a visitor who re-shared). */
    ShareReach share(String code) {
        try {
            indices.ensureInstalled();
            var response = client.search(s -> s.index(indices.shareClicks()).size(0)
                    .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("chain").value(code)))
                            .filter(f -> f.term(t -> t.field("counted").value(true)))))
                    .aggregations("reach", a -> a.cardinality(c -> c.field("visitor").precisionThreshold(40_000)))
                    .aggregations("depth", a -> a.max(m -> m.field("depth")))
                    .aggregations("direct", a -> a.filter(f -> f.term(t -> t.field("code").value(code)))
                            .aggregations("reach", r -> r.cardinality(c -> c.field("visitor").precisionThreshold(40_000)))), JsonNode.class);
            var aggregations = response.aggregations();
            double depth = aggregations.get("depth").max().value();
            return new ShareReach(code, response.hits().total() == null ? 0 : response.hits().total().value(),
                    aggregations.get("reach").cardinality().value(),
                    aggregations.get("direct").filter().aggregations().get("reach").cardinality().value(),
                    Double.isFinite(depth) ? (int) depth : 0);
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("computing the reach of " + code + " failed: " + e.getMessage(), e);
        }
    }

    /** Every excluded click in scope by reason (self, repeat, bot, burst, no-js), for admins. */
    Map<String, Long> excluded(Scope scope) {
        try {
            var response = client.search(s -> s.index(indices.shareClicks()).size(0)
                    .query(clicksIn(scope, null, false))
                    .aggregations("reasons", a -> a.terms(t -> t.field("excluded").size(10))), JsonNode.class);
            return buckets(response.aggregations().get("reasons"));
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("counting excluded clicks failed: " + e.getMessage(), e);
        }
    }

    // --- the aggregations ---------------------------------------------------------------------

    /** What the people brought in scope did, for one group of employees (a team, or all of them), each person once. */
    private static final class Brought {
        long forms;
        long leads;
        long hot;
        long converted;
        final long[] engagement = new long[3];

        Engagement engagement() {
            return new Engagement(engagement[0], engagement[1], engagement[2]);
        }
    }

    private static final class Counts {
        /** Key of a team's {@link Brought}: this and the team's id. */
        static final String TEAM = "team:";
        /** Key of everyone's {@link Brought}. */
        static final String TOTAL = "*";
        final Map<String, Brought> brought = new HashMap<>();
        final Map<String, Long> shares = new HashMap<>();
        final Map<String, Long> clicks = new HashMap<>();
        final Map<String, Long> reach = new HashMap<>();
        final Map<String, Long> direct = new HashMap<>();
        final Map<String, Integer> depth = new HashMap<>();
        final Map<String, Map<String, Long>> excluded = new HashMap<>();
        final Map<String, long[]> engagement = new HashMap<>();
        final Map<String, Long> forms = new HashMap<>();
        final Map<String, Long> leads = new HashMap<>();
        final Map<String, Long> hot = new HashMap<>();
        final Map<String, Long> converted = new HashMap<>();

        long shares(String e) {
            return shares.getOrDefault(e, 0L);
        }

        long clicks(String e) {
            return clicks.getOrDefault(e, 0L);
        }

        long reach(String e) {
            return reach.getOrDefault(e, 0L);
        }

        long direct(String e) {
            return direct.getOrDefault(e, 0L);
        }

        int depth(String e) {
            return depth.getOrDefault(e, 0);
        }

        Map<String, Long> excluded(String e) {
            Map<String, Long> reasons = new TreeMap<>(Map.of("self", 0L, "repeat", 0L, "bot", 0L, "burst", 0L, "no-js", 0L));
            reasons.putAll(excluded.getOrDefault(e, Map.of()));
            return reasons;
        }

        Engagement engagement(String e) {
            long[] b = engagement.getOrDefault(e, new long[3]);
            return new Engagement(b[0], b[1], b[2]);
        }

        long forms(String e) {
            return forms.getOrDefault(e, 0L);
        }

        long leads(String e) {
            return leads.getOrDefault(e, 0L);
        }

        long hotLeads(String e) {
            return hot.getOrDefault(e, 0L);
        }

        Brought brought(String group) {
            return brought.computeIfAbsent(group, g -> new Brought());
        }
    }

    private Counts counts(Scope scope, List<Employee> staff) {
        // Reach: a cardinality, exact in practice up to 40,000 visitors per employee (Elasticsearch's
        // precision threshold), an estimate beyond; every other figure is exact.
        Counts counts = new Counts();
        List<String> employees = staff.stream().map(Employee::id).toList();
        List<FieldValue> include = employees.stream().map(FieldValue::of).toList();
        try {
            indices.ensureInstalled();
            var clicks = client.search(s -> s.index(indices.shareClicks()).size(0)
                    .query(clicksIn(scope, include, null))
                    .aggregations("counted", a -> a.filter(f -> f.term(t -> t.field("counted").value(true)))
                            .aggregations("chain", c -> c.terms(t -> t.field("chainSharers").size(employees.size())
                                            .include(i -> i.terms(employees)))
                                    .aggregations("reach", r -> r.cardinality(x -> x.field("visitor").precisionThreshold(40_000)))
                                    .aggregations("depth", r -> r.max(x -> x.field("depth"))))
                            .aggregations("direct", c -> c.terms(t -> t.field("sharer").size(employees.size())
                                            .include(i -> i.terms(employees)))
                                    .aggregations("reach", r -> r.cardinality(x -> x.field("visitor").precisionThreshold(40_000)))))
                    .aggregations("excluded", a -> a.filter(f -> f.term(t -> t.field("counted").value(false)))
                            .aggregations("chain", c -> c.terms(t -> t.field("chainSharers").size(employees.size())
                                            .include(i -> i.terms(employees)))
                                    .aggregations("reasons", r -> r.terms(x -> x.field("excluded").size(10))))), JsonNode.class);
            var counted = clicks.aggregations().get("counted").filter();
            for (StringTermsBucket b : counted.aggregations().get("chain").sterms().buckets().array()) {
                counts.clicks.put(b.key().stringValue(), b.docCount());
                counts.reach.put(b.key().stringValue(), b.aggregations().get("reach").cardinality().value());
                double depth = b.aggregations().get("depth").max().value();
                counts.depth.put(b.key().stringValue(), Double.isFinite(depth) ? (int) depth : 0);
            }
            for (StringTermsBucket b : counted.aggregations().get("direct").sterms().buckets().array()) {
                counts.direct.put(b.key().stringValue(), b.aggregations().get("reach").cardinality().value());
            }
            for (StringTermsBucket b : clicks.aggregations().get("excluded").filter().aggregations().get("chain").sterms()
                    .buckets().array()) {
                counts.excluded.put(b.key().stringValue(), buckets(b.aggregations().get("reasons")));
            }

            var shares = client.search(s -> s.index(indices.shares()).size(0)
                    .query(q -> q.bool(b -> {
                        b.filter(f -> f.terms(t -> t.field("sharer").terms(v -> v.value(include))));
                        if (scope.campaign() != null) {
                            b.filter(f -> f.term(t -> t.field("campaign").value(scope.campaign())));
                        }
                        period(b, "createdAt", scope);
                        return b;
                    }))
                    .aggregations("sharer", a -> a.terms(t -> t.field("sharer").size(employees.size()))), JsonNode.class);
            counts.shares.putAll(buckets(shares.aggregations().get("sharer")));

            visitorsBrought(scope, staff, counts);
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("computing advocacy figures failed: " + e.getMessage(), e);
        }
        return counts;
    }

    /**
     * What the visitors each employee brought (first touch) did: forms they submitted (one
     * aggregation), and the people they became, page by page ({@link BroughtVisitors}, exact
     * however many): leads, hot leads, conversions, how engaged. A person counts once for every
     * employee whose chain brought any of its visitor ids.
     */
    private void visitorsBrought(Scope scope, List<Employee> staff, Counts counts) throws IOException {
        List<String> employees = staff.stream().map(Employee::id).toList();
        Map<String, String> teamOf = new HashMap<>();
        staff.stream().filter(e -> e.team() != null).forEach(e -> teamOf.put(e.id(), e.team()));
        Query brought = broughtBy(scope, employees);
        var forms = client.search(s -> s.index(indices.attribution()).size(0)
                .query(q -> q.bool(b -> b.filter(brought).filter(f -> f.term(t -> t.field("formSubmitted").value(true)))))
                .aggregations("sharer", a -> a.terms(t -> t.field("firstTouch.chainSharers").size(employees.size())
                        .include(i -> i.terms(employees)))), JsonNode.class);
        counts.forms.putAll(buckets(forms.aggregations().get("sharer")));
        visitors.forEachPage(brought, Set.copyOf(employees), page -> page.people().forEach(person -> {
            Set<String> sharers = person.sharers();
            Set<String> groups = new HashSet<>(List.of(Counts.TOTAL));
            sharers.stream().map(teamOf::get).filter(java.util.Objects::nonNull).forEach(team -> groups.add(Counts.TEAM + team));
            long events = person.events();
            int bucket = events >= HEAVY ? 2 : events >= MEDIUM ? 1 : 0;
            boolean lead = person.profile() != null && person.forms() > 0;
            boolean hot = lead && "hot".equals(person.profile().tier());
            boolean converted = lead && person.profile().tags().contains("customer"); // Sales Converted tags the lead a customer
            for (String e : sharers) {
                counts.engagement.computeIfAbsent(e, k -> new long[3])[bucket]++;
                if (lead) {
                    counts.leads.merge(e, 1L, Long::sum);
                }
                if (hot) {
                    counts.hot.merge(e, 1L, Long::sum);
                }
                if (converted) {
                    counts.converted.merge(e, 1L, Long::sum);
                }
            }
            for (String group : groups) {
                Brought g = counts.brought(group);
                g.forms += person.forms();
                g.engagement[bucket]++;
                g.leads += lead ? 1 : 0;
                g.hot += hot ? 1 : 0;
                g.converted += converted ? 1 : 0;
            }
        }));
    }

    /** Visitors whose first touch came through a chain with one of these employees, in the campaign and period. */
    private static Query broughtBy(Scope scope, List<String> employees) {
        List<FieldValue> include = employees.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.bool(b -> {
            b.filter(f -> f.terms(t -> t.field("firstTouch.chainSharers").terms(v -> v.value(include))));
            if (scope.campaign() != null) {
                b.filter(f -> f.term(t -> t.field("firstTouch.campaign").value(scope.campaign())));
            }
            period(b, "firstTouch.at", scope);
            return b;
        }));
    }

    private Map<String, Long> teamReach(Scope scope) {
        try {
            var response = client.search(s -> s.index(indices.shareClicks()).size(0).query(clicksIn(scope, null, true))
                    .aggregations("team", a -> a.terms(t -> t.field("rootTeam").size(1000))
                            .aggregations("reach", r -> r.cardinality(x -> x.field("visitor").precisionThreshold(40_000)))), JsonNode.class);
            Map<String, Long> reach = new HashMap<>();
            for (StringTermsBucket b : response.aggregations().get("team").sterms().buckets().array()) {
                reach.put(b.key().stringValue(), b.aggregations().get("reach").cardinality().value());
            }
            return reach;
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("computing team reach failed: " + e.getMessage(), e);
        }
    }

    private static Query clicksIn(Scope scope, List<FieldValue> sharers, Boolean counted) {
        return Query.of(q -> q.bool(b -> {
            if (sharers != null) {
                b.filter(f -> f.terms(t -> t.field("chainSharers").terms(v -> v.value(sharers))));
            }
            if (counted != null) {
                b.filter(f -> f.term(t -> t.field("counted").value(counted)));
            }
            if (scope.campaign() != null) {
                b.filter(f -> f.term(t -> t.field("campaign").value(scope.campaign())));
            }
            period(b, "at", scope);
            return b;
        }));
    }

    private static void period(co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery.Builder b, String field, Scope scope) {
        if (scope.from() != null || scope.to() != null) {
            b.filter(f -> f.range(r -> r.date(d -> {
                d.field(field);
                if (scope.from() != null) {
                    d.gte(scope.from().toString());
                }
                if (scope.to() != null) {
                    d.lt(scope.to().toString());
                }
                return d;
            })));
        }
    }

    private static Map<String, Long> buckets(Aggregate terms) {
        Map<String, Long> counts = new TreeMap<>();
        if (terms == null) {
            return counts; // no index to aggregate yet (e.g. no events stored this month)
        }
        for (StringTermsBucket b : terms.sterms().buckets().array()) {
            counts.put(b.key().stringValue(), b.docCount());
        }
        return counts;
    }
}
