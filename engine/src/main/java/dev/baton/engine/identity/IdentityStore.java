package dev.baton.engine.identity;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The identities index: every id a person was known by ({@code anon:…}, {@code user:…},
 * {@code email:…}, {@code phone:…}) → the lead it belongs to. Shared by all engine nodes.
 */
@Component
public class IdentityStore {
    private final ElasticsearchClient client;
    private final Indices indices;

    public IdentityStore(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /**
     * A mapping as stored.
     *
     * @param formerLead the lead the key named before it was last moved (a tombstone its lead had
     *                   taken in); null for a key never moved
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Identity(String leadId, Instant updatedAt, String formerLead) {
    }

    /**
     * The stored mappings of some keys.
     *
     * @param leads       key → its lead, for each key that has one
     * @param formerLeads key → the lead it named before it was last moved, for moved keys
     */
    public record Mappings(Map<String, String> leads, Map<String, String> formerLeads) {
    }

    /** The lead of each key that has one (realtime: a mapping just written is seen). */
    public Map<String, String> leadsOf(Collection<String> keys) throws IOException {
        return mappings(keys).leads();
    }

    /** The mappings of these keys, with where the moved ones pointed before (realtime). */
    public Mappings mappings(Collection<String> keys) throws IOException {
        Mappings found = new Mappings(new HashMap<>(), new HashMap<>());
        if (keys.isEmpty()) {
            return found;
        }
        var response = client.mget(m -> m.index(indices.identities()).ids(List.copyOf(keys)), Identity.class);
        for (MultiGetResponseItem<Identity> item : response.docs()) {
            if (item.isFailure()) {
                throw new IOException("reading identity " + item.failure().id() + " failed: " + item.failure().error().reason());
            }
            Identity identity = item.result().source();
            if (item.result().found() && identity != null) {
                found.leads().put(item.result().id(), identity.leadId());
                if (identity.formerLead() != null) {
                    found.formerLeads().put(item.result().id(), identity.formerLead());
                }
            }
        }
        return found;
    }

    /**
     * Writes new mappings (create: if another node mapped the same key meanwhile, the write fails
     * and the batch is retried with what that node decided) and remapped ones (overwrite), each
     * remembering the lead it named before ({@code movedFrom}).
     */
    public void write(Map<String, String> created, Map<String, String> remapped, Map<String, String> movedFrom,
                      Instant now) throws IOException {
        List<BulkOperation> operations = new ArrayList<>();
        created.forEach((key, lead) -> operations.add(BulkOperation.of(o -> o.create(c -> c
                .index(indices.identities()).id(key).document(new Identity(lead, now, null))))));
        remapped.forEach((key, lead) -> operations.add(BulkOperation.of(o -> o.index(i -> i
                .index(indices.identities()).id(key).document(new Identity(lead, now, movedFrom.get(key)))))));
        if (operations.isEmpty()) {
            return;
        }
        BulkResponse response = client.bulk(b -> b.operations(operations));
        if (response.errors()) {
            BulkResponseItem failed = response.items().stream().filter(i -> i.error() != null).findFirst().orElseThrow();
            String message = "writing identity " + failed.id() + " failed (" + failed.status() + "): " + failed.error().reason();
            boolean conflictsOnly = response.items().stream().filter(i -> i.error() != null).allMatch(i -> i.status() == 409);
            throw conflictsOnly ? new ConcurrentChangeException(message) : new IOException(message);
        }
    }
}
