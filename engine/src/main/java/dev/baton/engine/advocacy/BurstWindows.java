package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The burst rule, exact on any number of nodes: for each share link and address, one document
 * holds the clicks admitted in the last minute (at most the limit of them). Clicks of different
 * visitors are handled on different partitions, maybe different nodes; they meet here, read in
 * real time (no refresh lag) and written back only if nobody wrote in between (sequence number),
 * else read again. A click whose message id is already in the window was admitted before (a
 * replayed batch): it is admitted again without counting twice.
 */
@Component
class BurstWindows {
    private static final Logger log = LoggerFactory.getLogger(BurstWindows.class);
    private static final long MINUTE = 60_000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final int limit;

    BurstWindows(ElasticsearchClient client, Indices indices, @Value("${baton.advocacy.burst-limit:30}") int limit) {
        this.client = client;
        this.indices = indices;
        this.limit = limit;
    }

    /** One admitted click: its message id and time (epoch milliseconds). */
    record Entry(String m, long t) {
    }

    record Window(String code, String ip, List<Entry> recent, Instant last) {
    }

    /**
     * The message ids of the clicks (without another verdict yet) that stay within the limit. All
     * windows the batch touches are read in one real-time multi-get and written in one bulk, each
     * write conditional on its sequence number; only the windows somebody else wrote meanwhile are
     * read and decided again.
     */
    Set<String> admit(List<ShareClick> clicks) throws IOException {
        Map<String, List<ShareClick>> pending = new LinkedHashMap<>();
        Set<String> admitted = new HashSet<>();
        for (ShareClick click : clicks) {
            if (click.ip() == null) {
                admitted.add(click.messageId()); // no address, no burst
            } else {
                pending.computeIfAbsent(click.code() + "|" + click.ip(), k -> new ArrayList<>()).add(click);
            }
        }
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<String> ids = List.copyOf(pending.keySet());
            var current = client.mget(m -> m.index(indices.shareBursts()).ids(ids).realtime(true), Window.class).docs();
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            Map<String, Set<String>> decided = new HashMap<>();
            for (var item : current) {
                if (item.isFailure()) {
                    throw new IOException("reading burst window failed: " + item.failure().error().reason());
                }
                var window = item.result();
                List<ShareClick> ofWindow = pending.get(window.id());
                List<Entry> recent = new ArrayList<>(window.found() && window.source() != null ? window.source().recent() : List.of());
                decided.put(window.id(), decide(recent, ofWindow));
                Window next = new Window(ofWindow.get(0).code(), ofWindow.get(0).ip(), recent,
                        ofWindow.stream().map(ShareClick::at).max(Instant::compareTo).orElseThrow());
                if (window.found()) {
                    long seqNo = window.seqNo();
                    long term = window.primaryTerm();
                    bulk.operations(o -> o.index(i -> i.index(indices.shareBursts()).id(window.id()).document(next)
                            .ifSeqNo(seqNo).ifPrimaryTerm(term)));
                } else {
                    bulk.operations(o -> o.create(c -> c.index(indices.shareBursts()).id(window.id()).document(next)));
                }
            }
            Map<String, List<ShareClick>> conflicts = new LinkedHashMap<>();
            for (BulkResponseItem written : client.bulk(bulk.build()).items()) {
                if (written.error() == null) {
                    admitted.addAll(decided.get(written.id()));
                } else if (written.status() == 409 && attempt < 50) {
                    conflicts.put(written.id(), pending.get(written.id()));
                } else {
                    throw new IOException("writing burst window " + written.id() + " failed: " + written.error().reason());
                }
            }
            if (!conflicts.isEmpty()) {
                log.debug("{} burst windows changed meanwhile (attempt {}), reading them again", conflicts.size(), attempt);
            }
            pending = conflicts;
        }
        return admitted;
    }

    /** Adds the clicks within the limit to {@code recent} (dropping what left the minute); returns their ids. */
    private Set<String> decide(List<Entry> recent, List<ShareClick> clicks) {
        Set<String> inWindow = new HashSet<>();
        recent.forEach(e -> inWindow.add(e.m()));
        Set<String> admitted = new HashSet<>();
        for (ShareClick click : clicks) {
            if (inWindow.contains(click.messageId())) {
                admitted.add(click.messageId()); // admitted by an attempt of this batch that did not finish
                continue;
            }
            long at = click.at().toEpochMilli();
            recent.removeIf(e -> e.t() <= at - MINUTE);
            if (recent.size() < limit) {
                recent.add(new Entry(click.messageId(), at));
                inWindow.add(click.messageId());
                admitted.add(click.messageId());
            }
        }
        return admitted;
    }

    /** Windows nobody clicked in for an hour are of no use any more. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    void forgetQuietWindows() {
        try {
            indices.ensureInstalled();
            client.deleteByQuery(d -> d.index(indices.shareBursts())
                    .query(q -> q.range(r -> r.date(x -> x.field("last").lt("now-1h")))));
        } catch (IOException | RuntimeException e) {
            log.debug("Forgetting quiet burst windows failed, next time then: {}", e.getMessage());
        }
    }
}
