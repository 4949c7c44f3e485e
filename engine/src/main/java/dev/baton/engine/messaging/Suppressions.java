package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Who must not be contacted on a channel (unsubscribed, bounced, STOP): kept in Elasticsearch so
 * every node and worker sees it, and checked before every send.
 */
@Component
class Suppressions {
    private final ElasticsearchClient client;
    private final Indices indices;

    Suppressions(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /** One opt-out: {@code reason} is unsubscribed, bounced or stop. */
    public record Suppression(String channel, String address, String leadId, String reason, Instant at) {
    }

    /** Why nothing may go to this address on this channel (unsubscribed, bounced, stop), if so. */
    public java.util.Optional<String> reasonFor(String channel, String address) {
        try {
            indices.ensureInstalled();
            var found = client.get(g -> g.index(indices.suppressions()).id(id(channel, address)), Suppression.class);
            return found.found() ? java.util.Optional.of(found.source() == null || found.source().reason() == null
                    ? "opted out" : found.source().reason()) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new SearchUnavailableException("checking opt-outs failed: " + e.getMessage(), e);
        }
    }

    /** Why nothing may go to each of these addresses on this channel, for those opted out; one request. */
    public java.util.Map<String, String> reasonsFor(String channel, java.util.Collection<String> addresses) {
        java.util.Map<String, String> reasons = new java.util.HashMap<>();
        if (addresses.isEmpty()) {
            return reasons;
        }
        java.util.Map<String, String> addressById = new java.util.HashMap<>();
        addresses.forEach(address -> addressById.put(id(channel, address), address));
        try {
            indices.ensureInstalled();
            var response = client.mget(m -> m.index(indices.suppressions()).ids(java.util.List.copyOf(addressById.keySet())),
                    Suppression.class);
            for (var item : response.docs()) {
                if (item.isFailure()) {
                    throw new SearchUnavailableException("checking opt-outs failed: " + item.failure().error().reason(), null);
                }
                if (item.result().found()) {
                    Suppression found = item.result().source();
                    reasons.put(addressById.get(item.result().id()),
                            found == null || found.reason() == null ? "opted out" : found.reason());
                }
            }
            return reasons;
        } catch (IOException e) {
            throw new SearchUnavailableException("checking opt-outs failed: " + e.getMessage(), e);
        }
    }

    /** Records the opt-out (idempotent). Checks read it by id, which is realtime: no refresh needed. */
    public void suppress(Suppression suppression) {
        try {
            indices.ensureInstalled();
            client.index(i -> i.index(indices.suppressions()).id(id(suppression.channel(), suppression.address()))
                    .document(suppression));
        } catch (IOException e) {
            throw new SearchUnavailableException("recording an opt-out failed: " + e.getMessage(), e);
        }
    }

    private static String id(String channel, String address) {
        return channel + ":" + address.strip().toLowerCase(Locale.ROOT);
    }
}
