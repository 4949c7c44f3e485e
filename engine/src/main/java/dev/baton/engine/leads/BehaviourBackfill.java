package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import dev.baton.engine.search.CompositePages;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.springframework.stereotype.Component;

/**
 * Counts a behaviour a new segment needs over the events already stored, onto each lead
 * ({@link Counted}): the stored events are grouped by lead in Elasticsearch (a composite
 * aggregation, page by page, with each lead's most recent occurrences), and each page of leads is
 * updated in one bulk write. Occurrences count once however often they are added, so this can run
 * while the pipeline counts new events, and again after a crash.
 */
@Component
public class BehaviourBackfill {
    private static final int PAGE = 500;
    private static final int MAX_ATTEMPTS = 10;

    private final ElasticsearchClient client;
    private final Indices indices;
    private final LeadStore leads;

    private final EventsInFlight inFlight;

    BehaviourBackfill(ElasticsearchClient client, Indices indices, LeadStore leads, EventsInFlight inFlight) {
        this.client = client;
        this.indices = indices;
        this.leads = leads;
        this.inFlight = inFlight;
    }

    /**
     * Call once every node counts the behaviours, before {@link #backfill}: waits (at most
     * {@code atMost}) until the batches the pipeline is handling now have stored their events,
     * then makes every stored event searchable, so none the pipeline did not count is missed here.
     */
    public void settle(Duration atMost) throws IOException, InterruptedException {
        inFlight.await(atMost);
        client.indices().refresh(r -> r.index(indices.allEvents()).ignoreUnavailable(true).allowNoIndices(true));
    }

    /** Leads with at least one stored occurrence (Elasticsearch's estimate, for progress). */
    public long leadsWith(TrackedBehaviour behaviour) throws IOException {
        var response = client.search(s -> s.index(indices.allEvents()).ignoreUnavailable(true).allowNoIndices(true).size(0)
                .query(occurrences(behaviour)).aggregations("leads", a -> a.cardinality(c -> c.field(EventFields.LEAD_ID))), Void.class);
        return response.aggregations().get("leads").cardinality().value();
    }

    /** Adds every stored occurrence of the behaviour to its lead; {@code progress} hears the leads done per page. */
    public void backfill(TrackedBehaviour behaviour, LongConsumer progress) throws IOException {
        Aggregation latest = Aggregation.of(a -> a.topHits(h -> h.size(behaviour.atLeast()).source(src -> src.fetch(false))
                .docvalueFields(d -> d.field(EventFields.TIMESTAMP).format("strict_date_optional_time"))
                .sort(o -> o.field(f -> f.field(EventFields.TIMESTAMP).order(SortOrder.Desc)))));
        CompositePages.forEach(client, List.of(indices.allEvents()), occurrences(behaviour), EventFields.LEAD_ID, PAGE,
                Map.of("latest", latest), page -> {
                    Map<String, List<String>> occurrences = new LinkedHashMap<>();
                    for (CompositeBucket bucket : page) {
                        List<String> found = new ArrayList<>();
                        for (var hit : bucket.aggregations().get("latest").topHits().hits().hits()) {
                            JsonData at = hit.fields().get(EventFields.TIMESTAMP);
                            found.add(Instant.parse(at.to(String[].class)[0]) + "|" + hit.id());
                        }
                        occurrences.put(CompositePages.member(bucket), found);
                    }
                    add(behaviour, occurrences);
                    progress.accept(occurrences.size());
                });
    }

    /** Adds occurrences to the live leads they belong to (an event filed under a visitor later folded into a lead counts there). */
    private void add(TrackedBehaviour behaviour, Map<String, List<String>> occurrences) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Map<String, LeadStore.Versioned> read = leads.getAll(occurrences.keySet());
            Map<String, String> live = new HashMap<>();
            for (String id : occurrences.keySet()) {
                String current = id;
                for (int hop = 0; hop < 10 && read.containsKey(current) && read.get(current).profile().mergedInto() != null; hop++) {
                    String next = read.get(current).profile().mergedInto();
                    if (!read.containsKey(next)) {
                        read.putAll(leads.getAll(List.of(next)));
                    }
                    current = next;
                }
                if (read.containsKey(current) && read.get(current).profile().mergedInto() == null) {
                    live.put(id, current);
                }
            }
            Map<String, LeadProfile> updated = new LinkedHashMap<>();
            occurrences.forEach((id, found) -> {
                String target = live.get(id);
                if (target == null) {
                    return;
                }
                LeadProfile lead = updated.getOrDefault(target, read.get(target).profile());
                for (String occurrence : found) {
                    int bar = occurrence.indexOf('|');
                    lead = lead.counting(behaviour, Instant.parse(occurrence.substring(0, bar)), occurrence.substring(bar + 1));
                }
                if (lead != read.get(target).profile()) {
                    updated.put(target, lead);
                }
            });
            Map<String, String> failed = leads.tryWriteAll(updated.values(), read);
            if (failed.isEmpty()) {
                return;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IOException("counting " + behaviour.event() + " on lead " + failed.keySet().iterator().next()
                        + " kept conflicting with other writes: " + failed.values().iterator().next());
            }
            // Leads the pipeline changed meanwhile: read again, add again (what was written counts once).
            occurrences = new LinkedHashMap<>(occurrences);
            occurrences.keySet().retainAll(live.entrySet().stream().filter(e -> failed.containsKey(e.getValue()))
                    .map(Map.Entry::getKey).toList());
        }
    }

    private static Query occurrences(TrackedBehaviour behaviour) {
        return Query.of(q -> q.bool(b -> {
            b.filter(f -> f.term(t -> t.field(EventFields.NAME).value(behaviour.event())));
            behaviour.where().forEach((property, value) ->
                    b.filter(f -> f.term(t -> t.field("properties." + property).value(value))));
            return b;
        }));
    }
}
