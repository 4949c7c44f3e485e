package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.IndexResponse;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.elasticsearch.client.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide lock one node holds while it migrates an index: a document created only if
 * absent in {@code <prefix>-schema}. The holder renews its heartbeat while it works; a lock whose
 * heartbeat is older than the staleness timeout belongs to a node that died, and is taken over
 * (atomically, by sequence number, so two nodes cannot both take it).
 */
final class SchemaLock {
    private static final Logger log = LoggerFactory.getLogger(SchemaLock.class);

    /** The lock document. Epoch millis, not Instant, so any JSON mapper the client has can write it. */
    record Holder(String node, String index, long heartbeat) {
    }

    private final ElasticsearchClient client;
    private final String schemaIndex;
    private final String node;
    private final Duration staleAfter;
    private final Clock clock;

    SchemaLock(ElasticsearchClient client, String schemaIndex, String node, Duration staleAfter, Clock clock) {
        this.client = client;
        this.schemaIndex = schemaIndex;
        this.node = node;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** The lock on migrating {@code index} if this node got it; otherwise who holds it. */
    sealed interface Attempt permits Held, Busy {
    }

    record Busy(Holder holder) implements Attempt {
    }

    Attempt tryAcquire(String index) throws IOException {
        String id = "lock:" + index;
        try {
            IndexResponse created = client.index(i -> i.index(schemaIndex).id(id).opType(co.elastic.clients.elasticsearch._types.OpType.Create)
                    .document(new Holder(node, index, clock.millis())).refresh(Refresh.True));
            return new Held(id, index, created.seqNo(), created.primaryTerm());
        } catch (ElasticsearchException | IOException e) {
            if (!conflict(e)) {
                throw e;
            }
        }
        GetResponse<Holder> current = client.get(g -> g.index(schemaIndex).id(id), Holder.class);
        if (!current.found() || current.source() == null) {
            return new Busy(new Holder("(just released)", index, clock.millis())); // released meanwhile: try again
        }
        Holder holder = current.source();
        Instant heartbeat = Instant.ofEpochMilli(holder.heartbeat());
        if (heartbeat.plus(staleAfter).isAfter(clock.instant())) {
            return new Busy(holder);
        }
        try {
            IndexResponse taken = client.index(i -> i.index(schemaIndex).id(id).document(new Holder(node, index, clock.millis()))
                    .ifSeqNo(current.seqNo()).ifPrimaryTerm(current.primaryTerm()).refresh(Refresh.True));
            log.warn("Took over the migration lock on {} from node {}, silent since {} (it stopped or lost Elasticsearch)",
                    index, holder.node(), heartbeat);
            return new Held(id, index, taken.seqNo(), taken.primaryTerm());
        } catch (ElasticsearchException | IOException e) {
            if (!conflict(e)) {
                throw e;
            }
            return new Busy(holder); // another node took it over first
        }
    }

    /**
     * A version conflict. The low-level client passes only 400-405 through as Elasticsearch's own
     * errors; a 409 to a single-document request arrives as its {@link ResponseException}.
     */
    private static boolean conflict(Exception e) {
        if (e instanceof ElasticsearchException es) {
            return es.status() == 409;
        }
        if (e instanceof TransportException transport && transport.statusCode() == 409) {
            return true;
        }
        Throwable response = e instanceof ResponseException ? e : e.getCause();
        return response instanceof ResponseException r && r.getResponse().getStatusLine().getStatusCode() == 409;
    }

    /** A lock this node holds: renew it while working, release it when done (or failed). */
    final class Held implements Attempt {
        private final String id;
        private final String index;
        private long seqNo;
        private long primaryTerm;

        private Held(String id, String index, long seqNo, long primaryTerm) {
            this.id = id;
            this.index = index;
            this.seqNo = seqNo;
            this.primaryTerm = primaryTerm;
        }

        /** Tells other nodes this one is still at work; fails if another node took the lock meanwhile. */
        void heartbeat() throws IOException {
            IndexResponse renewed = client.index(i -> i.index(schemaIndex).id(id).document(new Holder(node, index, clock.millis()))
                    .ifSeqNo(seqNo).ifPrimaryTerm(primaryTerm));
            seqNo = renewed.seqNo();
            primaryTerm = renewed.primaryTerm();
        }

        void release() {
            try {
                client.delete(d -> d.index(schemaIndex).id(id).ifSeqNo(seqNo).ifPrimaryTerm(primaryTerm).refresh(Refresh.True));
            } catch (IOException | RuntimeException e) {
                // Not rethrown: the migration's own outcome matters more, and the lock goes stale by itself.
                log.warn("Could not release the migration lock on {} ({}); other nodes take it over after {}",
                        index, e.getMessage(), staleAfter);
            }
        }
    }
}
