package dev.baton.engine.segments;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.baton.engine.leads.LeadFields;
import dev.baton.engine.leads.TrackedBehaviour;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Segments in Elasticsearch's segments index, and the counts and members their queries give on the leads index. */
@Component
class SegmentStore {
    private static final int PAGE = 500;
    private final ElasticsearchClient client;
    private final Indices indices;

    SegmentStore(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /**
     * Saves a segment. The fields its behaviours are counted in are mapped on the leads index first
     * (the index would map them when the first count is written; mapped now, the query is valid at once).
     */
    void save(String id, Segment segment) {
        indices.ensureInstalled();
        try {
            if (!segment.behaviours().isEmpty()) {
                Map<String, Property> fields = new LinkedHashMap<>();
                for (TrackedBehaviour behaviour : segment.behaviours()) {
                    fields.put(behaviour.key(), Property.of(p -> p.object(o -> o
                            .properties("at", a -> a.date(d -> d))
                            .properties("recent", r -> r.keyword(k -> k.index(false).docValues(false)))
                            .properties("keep", r -> r.integer(k -> k.index(false).docValues(false))))));
                }
                client.indices().putMapping(m -> m.index(indices.leads())
                        .properties(LeadFields.BEHAVIOUR, b -> b.object(o -> o.properties(fields))));
            }
            client.index(i -> i.index(indices.segments()).id(id).document(segment).refresh(Refresh.WaitFor));
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("saving segment " + id, e);
        }
    }

    /**
     * Records a build's progress (only the state and build, so a concurrent redefinition is not
     * undone). Reads by id see it at once; a change of state waits until searches (every node's
     * catalog) see it too.
     */
    void progress(String id, String state, Segment.Build build) {
        progress(id, state, build, false);
    }

    void progress(String id, String state, Segment.Build build, boolean searchable) {
        try {
            Map<String, Object> partial = new LinkedHashMap<>();
            partial.put("state", state);
            partial.put("build", build);
            client.update(u -> u.index(indices.segments()).id(id).doc(partial)
                    .refresh(searchable ? Refresh.WaitFor : Refresh.False), Map.class);
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("recording the build of segment " + id, e);
        }
    }

    Segment get(String id) {
        indices.ensureInstalled();
        try {
            var response = client.get(g -> g.index(indices.segments()).id(id), Segment.class);
            if (!response.found() || response.source() == null) {
                throw new SegmentNotFoundException(id);
            }
            return response.source();
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("reading segment " + id, e);
        }
    }

    boolean delete(String id) {
        indices.ensureInstalled();
        try {
            var response = client.delete(d -> d.index(indices.segments()).id(id).refresh(Refresh.WaitFor));
            return "deleted".equals(response.result().jsonValue());
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("deleting segment " + id, e);
        }
    }

    /** {@link #all()} for a caller that answers a request: an outage is a 503. */
    Map<String, Segment> listed() {
        try {
            return all();
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("listing the segments", e);
        }
    }

    /** Every segment, by id (read page by page: there is no cap). */
    Map<String, Segment> all() throws IOException {
        indices.ensureInstalled();
        Map<String, Segment> all = new LinkedHashMap<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            var response = client.search(s -> {
                s.index(indices.segments()).size(PAGE).sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
                if (from != null) {
                    s.searchAfter(from);
                }
                return s;
            }, Segment.class);
            if (response.hits().hits().isEmpty()) {
                return all;
            }
            for (var hit : response.hits().hits()) {
                if (hit.source() != null) {
                    all.put(hit.id(), hit.source());
                }
                after = hit.sort();
            }
        }
    }

    /** Live leads a query matches, counted by Elasticsearch (exact, as of now). */
    long count(String queryJson) {
        indices.ensureInstalled();
        try {
            return client.count(c -> c.index(indices.leads()).query(live(queryJson))).count();
        } catch (ElasticsearchException e) {
            if (e.status() == 400) {
                // The conditions compiled into a query the index refuses: the definition is at fault.
                String why = e.error().rootCause().stream().map(c -> c.reason()).filter(r -> r != null).findFirst()
                        .orElse(e.getMessage());
                throw new InvalidSegmentException("conditions", "Elasticsearch refused the segment's query: " + why);
            }
            throw unavailable("counting a segment", e);
        } catch (IOException e) {
            throw unavailable("counting a segment", e);
        }
    }

    /** One member of a segment, as a page of members shows it. */
    record Member(String id, List<String> emails, String tier, Integer score, String lastSeen) {
    }

    /** A page of members by lead id, and the id to continue after (null on the last page). */
    record Members(List<Member> leads, String next) {
    }

    Members members(String queryJson, int size, String after) {
        indices.ensureInstalled();
        try {
            var response = client.search(s -> {
                s.index(indices.leads()).size(size).query(live(queryJson))
                        .source(src -> src.filter(f -> f.includes(LeadFields.ID, LeadFields.EMAILS, LeadFields.TIER,
                                LeadFields.SCORE, LeadFields.LAST_SEEN)))
                        .sort(o -> o.field(f -> f.field(LeadFields.ID).order(SortOrder.Asc)));
                if (after != null && !after.isBlank()) {
                    s.searchAfter(FieldValue.of(after));
                }
                return s;
            }, Member.class);
            List<Member> leads = response.hits().hits().stream().map(h -> h.source()).filter(m -> m != null).toList();
            return new Members(leads, leads.size() < size ? null : leads.get(leads.size() - 1).id());
        } catch (IOException | ElasticsearchException e) {
            throw unavailable("listing a segment's members", e);
        }
    }

    /** The query over live leads only (a lead folded into another is not a member; the lead it went to may be). */
    /**
     * The live member count of each segment (id to its query), in one request: a filters
     * aggregation, whose counts are exact, instead of a count request per segment.
     */
    Map<String, Long> counts(Map<String, String> queryJsonById) {
        if (queryJsonById.isEmpty()) {
            return Map.of();
        }
        indices.ensureInstalled();
        Map<String, Query> filters = new LinkedHashMap<>();
        queryJsonById.forEach((id, json) -> filters.put(id, Query.of(q -> q.withJson(new StringReader(json)))));
        try {
            var response = client.search(s -> s.index(indices.leads()).size(0).trackTotalHits(t -> t.enabled(false))
                    .query(q -> q.bool(b -> b.mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))))
                    .aggregations("segments", a -> a.filters(f -> f.filters(k -> k.keyed(filters)))), Void.class);
            Map<String, Long> counts = new LinkedHashMap<>();
            response.aggregations().get("segments").filters().buckets().keyed()
                    .forEach((id, bucket) -> counts.put(id, bucket.docCount()));
            return counts;
        } catch (ElasticsearchException | IOException e) {
            throw unavailable("counting the segments", e);
        }
    }

    static Query live(String queryJson) {
        return Query.of(q -> q.bool(b -> b.filter(f -> f.withJson(new StringReader(queryJson)))
                .mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))));
    }

    private static SearchUnavailableException unavailable(String what, Exception e) {
        return new SearchUnavailableException(what + " failed: " + e.getMessage(), e);
    }
}
