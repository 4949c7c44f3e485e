package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What was sent, by idempotency key, so a send is never repeated: a worker claims the key
 * before calling the provider (create-only: of two workers, one wins) and records the outcome
 * after. A retry (after a lost lock or a crash) finds the key sent and only finishes the task.
 */
@Component
class DeliveryLog {
    private final ElasticsearchClient client;
    private final Indices indices;

    DeliveryLog(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /**
     * @param state sending (claimed, outcome unknown), sent, blocked, bounced, unconfirmed, failed
     * @param transactional an answer to the lead's own action (see {@link SendGuards.Purpose}), not marketing
     * @param trigger for a transactional send, the event it answers: it goes once per trigger
     */
    public record Delivery(String key, String channel, String leadId, String to, String template, String state,
                           String providerId, String reason, Instant claimedAt, Instant sentAt, boolean transactional,
                           String trigger) {
        Delivery with(String newState, String newProviderId, String newReason, Instant at) {
            return new Delivery(key, channel, leadId, to, template, newState, newProviderId, newReason, claimedAt, at,
                    transactional, trigger);
        }
    }

    /**
     * Claims the key for this send. Empty when it is ours to send; otherwise the delivery another
     * attempt already claimed (sent, failed, or still sending).
     */
    public Optional<Delivery> claim(Delivery delivery) {
        try {
            indices.ensureInstalled();
            client.create(c -> c.index(indices.deliveries()).id(delivery.key()).document(delivery));
            return Optional.empty();
        } catch (ElasticsearchException | IOException e) {
            if (isConflict(e)) {
                return Optional.ofNullable(get(delivery.key()));
            }
            throw new SearchUnavailableException("claiming delivery " + delivery.key() + " failed: " + e.getMessage(), e);
        }
    }

    /** A create refused because the document exists (the client reports it as one of these). */
    private static boolean isConflict(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ElasticsearchException es && es.status() == 409
                    || cause instanceof co.elastic.clients.transport.TransportException te && te.statusCode() == 409
                    || cause instanceof org.elasticsearch.client.ResponseException re
                    && re.getResponse().getStatusLine().getStatusCode() == 409) {
                return true;
            }
        }
        return false;
    }

    /** Waits for the refresh: the send guards count recorded sends with a search. */
    public void record(Delivery delivery) {
        try {
            client.index(i -> i.index(indices.deliveries()).id(delivery.key()).document(delivery).refresh(Refresh.WaitFor));
        } catch (IOException e) {
            throw new SearchUnavailableException("recording delivery " + delivery.key() + " failed: " + e.getMessage(), e);
        }
    }

    /** Gives up a claim whose send failed before reaching the provider, so a retry may send. */
    public void release(String key) {
        try {
            client.delete(d -> d.index(indices.deliveries()).id(key).refresh(Refresh.WaitFor));
        } catch (IOException e) {
            throw new SearchUnavailableException("releasing delivery " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The delivery a provider's id belongs to (for delivery receipts), or null. */
    public Delivery byProviderId(String providerId) {
        try {
            // Recorded with refresh=wait_for, so a sent message is searchable before its receipt can come.
            var response = client.search(s -> s.index(indices.deliveries()).size(1)
                    .query(q -> q.term(t -> t.field("providerId").value(providerId))), Delivery.class);
            return response.hits().hits().isEmpty() ? null : response.hits().hits().get(0).source();
        } catch (IOException e) {
            throw new SearchUnavailableException("finding delivery " + providerId + " failed: " + e.getMessage(), e);
        }
    }

    public Delivery get(String key) {
        try {
            var response = client.get(g -> g.index(indices.deliveries()).id(key), Delivery.class);
            return response.found() ? response.source() : null;
        } catch (IOException e) {
            throw new SearchUnavailableException("reading delivery " + key + " failed: " + e.getMessage(), e);
        }
    }
}
