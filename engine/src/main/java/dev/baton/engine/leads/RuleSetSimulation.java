package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.rules.BehaviourEvent;
import dev.baton.rules.CompiledRuleSet;
import dev.baton.rules.LeadState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tries a rule set on real history before it goes live: replays the last N days of stored events,
 * lead by lead, through the active rule set and through the candidate, and reports how tiers and
 * scores would move. Reads only; writes nothing, publishes nothing.
 *
 * <p>Both replays start every lead from nothing and see the same events, so the comparison is
 * like for like. Events are grouped by the lead they were filed under when stored: a visitor's
 * events from before it was identified count as that visitor's.
 */
@Component
class RuleSetSimulation {
    private static final Logger log = LoggerFactory.getLogger(RuleSetSimulation.class);
    private static final int PAGE = 1000;
    /** Score buckets of the distribution, by lower bound. */
    private static final int[] BUCKETS = {0, 10, 25, 50, 75, 100, 150};

    private final ElasticsearchClient client;
    private final Indices indices;
    private final ObjectMapper json;
    private final Clock clock;
    private final EngineEvents engineEvents;

    RuleSetSimulation(ElasticsearchClient client, Indices indices, ObjectMapper json, Clock clock, EngineEvents engineEvents) {
        this.client = client;
        this.indices = indices;
        this.json = json;
        this.clock = clock;
        this.engineEvents = engineEvents;
    }

    /** One lead's outcome under both rule sets. */
    record LeadOutcome(String leadId, int scoreBefore, String tierBefore, int scoreAfter, String tierAfter) {
        int delta() {
            return scoreAfter - scoreBefore;
        }
    }

    /**
     * @param tierMoves    "from->to" → leads that would move so (only leads whose tier differs)
     * @param tiersBefore  tier → leads, under the active rule set
     * @param distribution score bucket → leads, before and after
     * @param truncated    true when maxEvents stopped the replay early
     */
    record Report(String candidate, String active, int days, long events, long leads, long leadsChangingTier,
                  Map<String, Long> tierMoves, Map<String, Long> tiersBefore, Map<String, Long> tiersAfter,
                  List<LeadOutcome> topChanges, Map<String, Map<String, Long>> distribution, boolean truncated,
                  long tookMillis) {
    }

    Report simulate(CompiledRuleSet active, CompiledRuleSet candidate, int days, int top, long maxEvents) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofDays(days));
        Tally tally = new Tally(top);
        List<FieldValue> after = null;
        String leadId = null;
        List<BehaviourEvent> events = new ArrayList<>();
        Map<String, List<BehaviourEvent>> pending = new LinkedHashMap<>();
        long read = 0;
        boolean truncated = false;
        try {
            indices.ensureInstalled();
            while (true) {
                List<FieldValue> from = after;
                var response = client.search(s -> {
                    s.index(indices.allEvents()).size(PAGE).ignoreUnavailable(true).allowNoIndices(true)
                            .query(q -> q.bool(b -> b
                                    .filter(f -> f.range(r -> r.date(d -> d.field(EventFields.TIMESTAMP).gte(since.toString()).lte(now.toString()))))
                                    .filter(engineEvents.scoredEvents())))
                            .sort(o -> o.field(f -> f.field(EventFields.LEAD_ID).order(SortOrder.Asc)))
                            .sort(o -> o.field(f -> f.field(EventFields.TIMESTAMP).order(SortOrder.Asc)))
                            .sort(o -> o.field(f -> f.field("messageId").order(SortOrder.Asc)));
                    if (from != null) {
                        s.searchAfter(from);
                    }
                    return s;
                }, ObjectNode.class);
                List<Hit<ObjectNode>> hits = response.hits().hits();
                for (Hit<ObjectNode> hit : hits) {
                    ObjectNode doc = hit.source();
                    after = hit.sort();
                    if (doc == null || !doc.hasNonNull(EventFields.LEAD_ID)) {
                        continue;
                    }
                    String id = doc.get(EventFields.LEAD_ID).asText();
                    if (!id.equals(leadId)) {
                        if (leadId != null) {
                            pending.put(leadId, events);
                            events = new ArrayList<>();
                        }
                        leadId = id;
                    }
                    events.add(StoredEvents.behaviourEvent(doc, id, json));
                    read++;
                }
                if (pending.size() >= 200) {
                    replay(pending, active, candidate, now, tally);
                    pending.clear();
                }
                if (read >= maxEvents && !hits.isEmpty()) {
                    truncated = true;
                    break;
                }
                if (hits.size() < PAGE) {
                    break;
                }
            }
            if (leadId != null) {
                pending.put(leadId, events);
            }
            replay(pending, active, candidate, now, tally);
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("reading events for the simulation failed: " + e.getMessage(), e);
        }
        long took = (System.nanoTime() - started) / 1_000_000;
        log.info("Simulated rule set {} against {} on {} events of {} leads ({} days) in {} ms: {} leads would change tier",
                candidate.version(), active.version(), read, tally.leads, days, took, tally.changing);
        return new Report(candidate.version(), active.version(), days, read, tally.leads, tally.changing, tally.moves,
                tally.tiersBefore, tally.tiersAfter, tally.top(), Map.of("before", tally.before, "after", tally.after),
                truncated, took);
    }

    private void replay(Map<String, List<BehaviourEvent>> byLead, CompiledRuleSet active, CompiledRuleSet candidate,
                        Instant now, Tally tally) throws IOException {
        if (byLead.isEmpty()) {
            return;
        }
        Map<String, Map<String, Object>> traits = traits(byLead.keySet());
        byLead.forEach((id, events) -> {
            Map<String, Object> leadTraits = traits.getOrDefault(id, Map.of());
            LeadState before = replay(active, id, leadTraits, events, now);
            LeadState after = replay(candidate, id, leadTraits, events, now);
            tally.add(new LeadOutcome(id, before.score(), before.tier(), after.score(), after.tier()));
        });
    }

    private static LeadState replay(CompiledRuleSet rules, String leadId, Map<String, Object> traits,
                                    List<BehaviourEvent> events, Instant now) {
        LeadState state = LeadState.NEW;
        for (BehaviourEvent event : events) {
            state = rules.apply(leadId, state, traits, event).state();
        }
        return rules.review(leadId, state, traits, now);
    }

    /** The leads' traits as stored (fit rules read them); a lead without a profile has none. */
    private Map<String, Map<String, Object>> traits(java.util.Collection<String> leadIds) throws IOException {
        Map<String, Map<String, Object>> traits = new java.util.HashMap<>();
        var response = client.mget(m -> m.index(indices.leads()).ids(List.copyOf(leadIds)), LeadProfile.class);
        for (var item : response.docs()) {
            if (item.isResult() && item.result().found() && item.result().source() != null) {
                traits.put(item.result().id(), item.result().source().traits());
            }
        }
        return traits;
    }

    /** Running totals, so memory stays flat however many leads are replayed. */
    private static final class Tally {
        final int topSize;
        long leads;
        long changing;
        final Map<String, Long> moves = new TreeMap<>();
        final Map<String, Long> tiersBefore = new TreeMap<>();
        final Map<String, Long> tiersAfter = new TreeMap<>();
        final Map<String, Long> before = new LinkedHashMap<>();
        final Map<String, Long> after = new LinkedHashMap<>();
        final java.util.PriorityQueue<LeadOutcome> biggest =
                new java.util.PriorityQueue<>(Comparator.comparingInt((LeadOutcome o) -> Math.abs(o.delta())));

        Tally(int topSize) {
            this.topSize = topSize;
            for (int n = 0; n < BUCKETS.length; n++) {
                before.put(bucketName(n), 0L);
                after.put(bucketName(n), 0L);
            }
        }

        void add(LeadOutcome outcome) {
            leads++;
            tiersBefore.merge(String.valueOf(outcome.tierBefore()), 1L, Long::sum);
            tiersAfter.merge(String.valueOf(outcome.tierAfter()), 1L, Long::sum);
            before.merge(bucket(outcome.scoreBefore()), 1L, Long::sum);
            after.merge(bucket(outcome.scoreAfter()), 1L, Long::sum);
            if (!Objects.equals(outcome.tierBefore(), outcome.tierAfter())) {
                changing++;
                moves.merge(outcome.tierBefore() + "->" + outcome.tierAfter(), 1L, Long::sum);
            }
            if (outcome.delta() != 0 || !Objects.equals(outcome.tierBefore(), outcome.tierAfter())) {
                biggest.add(outcome);
                if (biggest.size() > topSize) {
                    biggest.poll();
                }
            }
        }

        List<LeadOutcome> top() {
            return biggest.stream().sorted(Comparator.comparingInt((LeadOutcome o) -> Math.abs(o.delta())).reversed()
                    .thenComparing(LeadOutcome::leadId)).toList();
        }

        private static String bucket(int score) {
            for (int n = BUCKETS.length - 1; n >= 0; n--) {
                if (score >= BUCKETS[n]) {
                    return bucketName(n);
                }
            }
            return "<0";
        }

        private static String bucketName(int n) {
            return n == BUCKETS.length - 1 ? BUCKETS[n] + "+" : BUCKETS[n] + "-" + (BUCKETS[n + 1] - 1);
        }
    }
}
