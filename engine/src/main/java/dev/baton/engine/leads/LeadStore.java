package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import dev.baton.engine.identity.ConcurrentChangeException;
import dev.baton.engine.identity.IdentityStore;
import dev.baton.engine.identity.LeadIds;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Lead profiles in Elasticsearch's leads index. Reads are realtime (a profile written is read
 * back at once); writes are conditional on the version read, so two engine nodes updating one
 * lead never overwrite each other: the loser's batch is retried on fresh data.
 */
@Component
public class LeadStore {
    private static final int MAX_MERGE_HOPS = 10;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final IdentityStore identities;

    public LeadStore(ElasticsearchClient client, Indices indices, IdentityStore identities) {
        this.client = client;
        this.indices = indices;
        this.identities = identities;
    }

    /** A profile with the version it was read at. */
    record Versioned(LeadProfile profile, long seqNo, long primaryTerm) {
    }

    /**
     * The live profile for a lead id or any id the person was known by (userId, email, phone,
     * anonymous id), following merges ({@code visitor → lead}).
     */
    public LeadProfile get(String id) {
        try {
            return follow(id);
        } catch (LeadNotFoundException notALeadId) {
            Map<String, String> found;
            try {
                found = identities.leadsOf(LeadIds.keysFor(id));
            } catch (IOException e) {
                throw new SearchUnavailableException("looking up " + id + " failed: " + e.getMessage(), e);
            }
            for (String key : LeadIds.keysFor(id)) {
                if (found.containsKey(key)) {
                    return follow(found.get(key));
                }
            }
            throw notALeadId;
        }
    }

    private LeadProfile follow(String id) {
        String current = id;
        for (int hop = 0; hop < MAX_MERGE_HOPS; hop++) {
            LeadProfile profile = read(current);
            if (profile.mergedInto() == null) {
                return profile;
            }
            current = profile.mergedInto();
        }
        throw new LeadNotFoundException(id);
    }

    private LeadProfile read(String id) {
        try {
            var response = client.get(g -> g.index(indices.leads()).id(id), LeadProfile.class);
            if (!response.found() || response.source() == null) {
                throw new LeadNotFoundException(id);
            }
            return response.source();
        } catch (ElasticsearchException e) {
            if ("index_not_found_exception".equals(e.error().type())) {
                throw new LeadNotFoundException(id);
            }
            throw new SearchUnavailableException("reading lead " + id + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SearchUnavailableException("reading lead " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The live profiles among these ids, in one request (a send step over an audience reads a
     * page of members at once); ids never seen, and leads merged away since, are absent.
     */
    public Map<String, LeadProfile> readAll(Collection<String> ids) {
        try {
            indices.ensureInstalled();
            Map<String, LeadProfile> live = new HashMap<>();
            getAll(ids).forEach((id, read) -> {
                if (read.profile().mergedInto() == null) {
                    live.put(id, read.profile());
                }
            });
            return live;
        } catch (IOException | ElasticsearchException e) {
            throw new SearchUnavailableException("reading " + ids.size() + " leads failed: " + e.getMessage(), e);
        }
    }

    /** The stored profiles among these ids, with their versions; ids never seen are absent. */
    Map<String, Versioned> getAll(Collection<String> ids) throws IOException {
        Map<String, Versioned> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        MgetResponse<LeadProfile> response = client.mget(m -> m.index(indices.leads()).ids(List.copyOf(ids)),
                LeadProfile.class);
        for (MultiGetResponseItem<LeadProfile> item : response.docs()) {
            if (item.isFailure()) {
                throw new IOException("reading lead " + item.failure().id() + " failed: " + item.failure().error().reason());
            }
            var result = item.result();
            if (result.found() && result.source() != null) {
                found.put(result.id(), new Versioned(result.source(), result.seqNo(), result.primaryTerm()));
            }
        }
        return found;
    }

    /**
     * Writes profiles: those read before only if nobody changed them since, new ones only if
     * nobody created them since. A conflict throws, and the caller's batch is retried.
     */
    void writeAll(Collection<LeadProfile> profiles, Map<String, Versioned> readVersions) throws IOException {
        Map<String, String> failed = tryWriteAll(profiles, readVersions);
        if (!failed.isEmpty()) {
            var first = failed.entrySet().iterator().next();
            String message = "writing lead " + first.getKey() + " failed " + first.getValue();
            throw failed.values().stream().allMatch(reason -> reason.startsWith("(409)"))
                    ? new ConcurrentChangeException(message) : new IOException(message);
        }
    }

    /** One page of leads whose tier review is due, oldest due first, and where the next page starts. */
    record DuePage(List<Versioned> leads, List<FieldValue> next) {
    }

    /**
     * Live leads whose {@code tierReviewAt} has come by {@code now}: only those, so a decay pass
     * costs what it changes, not a rescan of every lead.
     */
    DuePage due(Instant now, int size, List<FieldValue> after) throws IOException {
        var response = client.search(s -> {
            s.index(indices.leads()).size(size).seqNoPrimaryTerm(true)
                    .query(q -> q.bool(b -> b
                            .filter(f -> f.range(r -> r.date(d -> d.field("tierReviewAt").lte(now.toString()))))
                            .mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))))
                    .sort(o -> o.field(f -> f.field("tierReviewAt").order(SortOrder.Asc)))
                    .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
            if (after != null && !after.isEmpty()) {
                s.searchAfter(after);
            }
            return s;
        }, LeadProfile.class);
        List<Versioned> leads = new ArrayList<>();
        List<FieldValue> next = null;
        for (Hit<LeadProfile> hit : response.hits().hits()) {
            if (hit.source() != null) {
                leads.add(new Versioned(hit.source(), hit.seqNo(), hit.primaryTerm()));
            }
            next = hit.sort();
        }
        return new DuePage(leads, next);
    }

    /**
     * Like {@link #writeAll} but a conflicting write does not stop the others: returns the
     * leads that were not written, id → "(status): reason".
     */
    Map<String, String> tryWriteAll(Collection<LeadProfile> profiles, Map<String, Versioned> readVersions) throws IOException {
        List<BulkOperation> operations = new ArrayList<>();
        for (LeadProfile profile : profiles) {
            Versioned read = readVersions.get(profile.id());
            if (read == null) {
                operations.add(BulkOperation.of(o -> o.create(c -> c.index(indices.leads()).id(profile.id()).document(profile))));
            } else {
                operations.add(BulkOperation.of(o -> o.index(i -> i.index(indices.leads()).id(profile.id()).document(profile)
                        .ifSeqNo(read.seqNo()).ifPrimaryTerm(read.primaryTerm()))));
            }
        }
        Map<String, String> failed = new java.util.LinkedHashMap<>();
        if (operations.isEmpty()) {
            return failed;
        }
        BulkResponse response = client.bulk(b -> b.operations(operations));
        if (response.errors()) {
            response.items().stream().filter(i -> i.error() != null)
                    .forEach(i -> failed.put(i.id(), "(" + i.status() + "): " + i.error().reason()));
        }
        return failed;
    }
}
