package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
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

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    DeliveryLog(ElasticsearchClient client, Indices indices, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.client = client;
        this.indices = indices;
        this.metrics = metrics;
        // Every series from the start, at zero: a rate over a series that appears later misses its first count.
        for (String channel : List.of("email", "sms")) {
            for (String outcome : List.of("sent", "blocked", "deferred", "skipped", "bounced", "failed", "unconfirmed")) {
                metrics.counter("baton.sends", "channel", channel, "outcome", outcome);
            }
        }
    }

    /** Every outcome recorded, by channel and state (sent, blocked, deferred, bounced, failed...): {@code baton_sends_total}. */
    private void count(Delivery outcome) {
        if (!"sending".equals(outcome.state())) {
            metrics.counter("baton.sends", "channel", outcome.channel(), "outcome", outcome.state()).increment();
        }
    }

    /**
     * @param state sending (claimed, outcome unknown), sent, blocked, bounced, unconfirmed, failed
     * @param transactional an answer to the lead's own action (see {@link SendGuards.Purpose}), not marketing
     * @param trigger for a transactional send, the event it answers: it goes once per trigger
     * @param batch the broadcast or entry job an audience send belongs to (null for a journey step's send)
     * @param notBefore for a send deferred by quiet hours (state deferred), when it may go
     */
    public record Delivery(String key, String channel, String leadId, String to, String template, String state,
                           String providerId, String reason, Instant claimedAt, Instant sentAt, boolean transactional,
                           String trigger, String batch, Instant notBefore) {
        Delivery with(String newState, String newProviderId, String newReason, Instant at) {
            return new Delivery(key, channel, leadId, to, template, newState, newProviderId, newReason, claimedAt, at,
                    transactional, trigger, batch, null);
        }

        Delivery deferredUntil(Instant morning) {
            return new Delivery(key, channel, leadId, to, template, "deferred", null, "quiet hours", claimedAt, null,
                    transactional, trigger, batch, morning);
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

    /** Searchable when this returns: the send guards count recorded sends with a search. */
    public void record(Delivery delivery) {
        record(delivery, true);
    }

    /**
     * @param searchedSoon whether searches must see it when this returns: refreshed now, not waited
     *                     for (waiting for the index's next refresh, up to a second, held a worker to
     *                     one send a second); a worker's batch of sends is refreshed once instead
     *                     ({@link #refresh})
     */
    public void record(Delivery delivery, boolean searchedSoon) {
        try {
            client.index(i -> i.index(indices.deliveries()).id(delivery.key()).document(delivery)
                    .refresh(searchedSoon ? Refresh.True : Refresh.False));
            count(delivery);
        } catch (IOException e) {
            throw new SearchUnavailableException("recording delivery " + delivery.key() + " failed: " + e.getMessage(), e);
        }
    }

    /** A delivery with the version it was read at. */
    record Stored(Delivery delivery, long seqNo, long primaryTerm) {
    }

    /** The deliveries among these keys, in one request; keys never claimed are absent. */
    Map<String, Stored> getAll(Collection<String> keys) {
        Map<String, Stored> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        try {
            indices.ensureInstalled();
            var response = client.mget(m -> m.index(indices.deliveries()).ids(List.copyOf(keys)), Delivery.class);
            for (var item : response.docs()) {
                if (item.isFailure()) {
                    throw new SearchUnavailableException("reading deliveries failed: " + item.failure().error().reason(), null);
                }
                var result = item.result();
                if (result.found() && result.source() != null) {
                    found.put(result.id(), new Stored(result.source(), result.seqNo(), result.primaryTerm()));
                }
            }
            return found;
        } catch (IOException e) {
            throw new SearchUnavailableException("reading deliveries failed: " + e.getMessage(), e);
        }
    }

    /**
     * Claims many keys in one request: a key never claimed is created, a key read before (a
     * deferred send now due, an attempt to finish) is taken only if nobody changed it since.
     * Returns the keys this caller won; of two workers, one wins each key.
     */
    Set<String> claimAll(List<Delivery> claims, Map<String, Stored> read) {
        Set<String> won = new HashSet<>();
        if (claims.isEmpty()) {
            return won;
        }
        List<BulkOperation> operations = new ArrayList<>(claims.size());
        for (Delivery claim : claims) {
            Stored before = read.get(claim.key());
            operations.add(before == null
                    ? BulkOperation.of(o -> o.create(c -> c.index(indices.deliveries()).id(claim.key()).document(claim)))
                    : BulkOperation.of(o -> o.index(i -> i.index(indices.deliveries()).id(claim.key()).document(claim)
                            .ifSeqNo(before.seqNo()).ifPrimaryTerm(before.primaryTerm()))));
        }
        BulkResponse response = bulk(operations, Refresh.False, "claiming " + claims.size() + " deliveries");
        Map<String, Delivery> byKey = new HashMap<>();
        claims.forEach(claim -> byKey.putIfAbsent(claim.key(), claim));
        for (var item : response.items()) {
            if (item.error() == null) {
                won.add(item.id());
                count(byKey.get(item.id()));
            } else if (item.status() != 409) {
                throw new SearchUnavailableException("claiming delivery " + item.id() + " failed: " + item.error().reason(), null);
            }
        }
        return won;
    }

    /**
     * Records outcomes in one request, searchable at once (a refresh per poll, not a wait of up
     * to a second for the next one): the send guards count recorded sends with a search.
     */
    void recordAll(List<Delivery> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        BulkResponse response = bulk(outcomes.stream().map(outcome -> BulkOperation.of(o -> o.index(i -> i
                .index(indices.deliveries()).id(outcome.key()).document(outcome)))).toList(), Refresh.True,
                "recording " + outcomes.size() + " deliveries");
        if (response.errors()) {
            var failed = response.items().stream().filter(item -> item.error() != null).findFirst().orElseThrow();
            throw new SearchUnavailableException("recording delivery " + failed.id() + " failed: " + failed.error().reason(), null);
        }
        outcomes.forEach(this::count);
    }

    /** Gives up claims whose sends failed before reaching the provider, so a retry may send. */
    void releaseAll(Collection<String> keys) {
        if (!keys.isEmpty()) {
            bulk(keys.stream().map(key -> BulkOperation.of(o -> o.delete(d -> d.index(indices.deliveries()).id(key))))
                    .toList(), Refresh.True, "releasing " + keys.size() + " deliveries");
        }
    }

    private BulkResponse bulk(List<BulkOperation> operations, Refresh refresh, String what) {
        try {
            indices.ensureInstalled();
            return client.bulk(b -> b.operations(operations).refresh(refresh));
        } catch (IOException | ElasticsearchException e) {
            throw new SearchUnavailableException(what + " failed: " + e.getMessage(), e);
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

    /**
     * The delivery a provider's id belongs to (for delivery receipts and bounces), or null. A
     * send's record becomes searchable by the end of its worker's batch; a receipt quicker than
     * that makes the index refresh and is looked up again.
     */
    public Delivery byProviderId(String providerId) {
        Delivery found = searchByProviderId(providerId);
        if (found == null) {
            refresh();
            found = searchByProviderId(providerId);
        }
        return found;
    }

    private Delivery searchByProviderId(String providerId) {
        try {
            var response = client.search(s -> s.index(indices.deliveries()).size(1)
                    .query(q -> q.term(t -> t.field("providerId").value(providerId))), Delivery.class);
            return response.hits().hits().isEmpty() ? null : response.hits().hits().get(0).source();
        } catch (IOException e) {
            throw new SearchUnavailableException("finding delivery " + providerId + " failed: " + e.getMessage(), e);
        }
    }

    /** Makes every delivery recorded so far searchable (one refresh for a batch of sends). */
    public void refresh() {
        try {
            client.indices().refresh(r -> r.index(indices.deliveries()));
        } catch (IOException e) {
            throw new SearchUnavailableException("refreshing the delivery log failed: " + e.getMessage(), e);
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
