package dev.baton.engine.segments;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.engine.web.NotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The audience jobs of one kind (journey entries, broadcasts) in the jobs index, readable from
 * every node. Progress is written only if nobody changed the job since it was read (a cancel, a
 * pause, another node taking it over), so such a change is never undone by a running page.
 */
final class JobDocuments<T> {
    private final ElasticsearchClient client;
    private final Indices indices;
    private final String kind;
    private final Class<T> type;
    private final Function<T, String> kindOf;
    private final String noun;

    JobDocuments(ElasticsearchClient client, Indices indices, String kind, Class<T> type, Function<T, String> kindOf,
                 String noun) {
        this.client = client;
        this.indices = indices;
        this.kind = kind;
        this.type = type;
        this.kindOf = kindOf;
        this.noun = noun;
    }

    /** A job with the version it was read at. */
    record Versioned<T>(T job, long seqNo, long primaryTerm) {
    }

    Versioned<T> read(String id) {
        indices.ensureInstalled();
        try {
            var response = client.get(g -> g.index(indices.jobs()).id(id), type);
            if (!response.found() || response.source() == null || !kind.equals(kindOf.apply(response.source()))) {
                throw new NotFoundException("job-not-found", "Job not found", "no " + noun + " with id '" + id + "'");
            }
            return new Versioned<>(response.source(), response.seqNo(), response.primaryTerm());
        } catch (IOException | ElasticsearchException e) {
            throw new SearchUnavailableException("reading " + noun + " " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Writes the job unless someone changed it since {@code read}: false then. */
    boolean saveIfUnchanged(String id, T job, Versioned<T> read) {
        try {
            client.index(i -> i.index(indices.jobs()).id(id).document(job).ifSeqNo(read.seqNo())
                    .ifPrimaryTerm(read.primaryTerm()));
            return true;
        } catch (ElasticsearchException e) {
            if (e.status() == 409) {
                return false;
            }
            throw new SearchUnavailableException("recording " + noun + " " + id + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SearchUnavailableException("recording " + noun + " " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Records a job as it starts (or fails). Started by a person, rarely: it is searchable when
     * this returns, so the pages that list jobs (a segment's broadcasts and entries) show it at once.
     */
    void save(String id, T job) {
        indices.ensureInstalled();
        try {
            client.index(i -> i.index(indices.jobs()).id(id).document(job).refresh(Refresh.WaitFor));
        } catch (IOException | ElasticsearchException e) {
            throw new SearchUnavailableException("recording " + noun + " " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Jobs of this kind in {@code state} last written before {@code before} (a node stopped reporting on them). */
    List<T> stale(String state, String timeField, Instant before) throws IOException {
        return find(Query.of(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("state").value(state)))
                .filter(f -> f.range(r -> r.date(d -> d.field(timeField).lt(before.toString())))))), 100);
    }

    /** Up to {@code size} jobs of this kind matching {@code query}, newest first. */
    List<T> find(Query query, int size) throws IOException {
        indices.ensureInstalled();
        var response = client.search(s -> s.index(indices.jobs()).size(size)
                .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("kind").value(kind))).filter(query)))
                .sort(o -> o.field(f -> f.field("updatedAt").order(co.elastic.clients.elasticsearch._types.SortOrder.Desc)
                        .unmappedType(co.elastic.clients.elasticsearch._types.mapping.FieldType.Date))), type);
        List<T> jobs = new ArrayList<>();
        response.hits().hits().forEach(hit -> {
            if (hit.source() != null) {
                jobs.add(hit.source());
            }
        });
        return jobs;
    }
}
