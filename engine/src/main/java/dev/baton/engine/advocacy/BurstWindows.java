package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
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

    /** The message ids of the clicks (without another verdict yet) that stay within the limit. */
    Set<String> admit(List<ShareClick> clicks) throws IOException {
        Map<String, List<ShareClick>> byAddress = new LinkedHashMap<>();
        Set<String> admitted = new HashSet<>();
        for (ShareClick click : clicks) {
            if (click.ip() == null) {
                admitted.add(click.messageId()); // no address, no burst
            } else {
                byAddress.computeIfAbsent(click.code() + "|" + click.ip(), k -> new ArrayList<>()).add(click);
            }
        }
        for (var address : byAddress.entrySet()) {
            admitted.addAll(admit(address.getKey(), address.getValue()));
        }
        return admitted;
    }

    private Set<String> admit(String id, List<ShareClick> clicks) throws IOException {
        for (int attempt = 1; ; attempt++) {
            var current = client.get(g -> g.index(indices.shareBursts()).id(id).realtime(true), Window.class);
            List<Entry> recent = new ArrayList<>(current.found() && current.source() != null ? current.source().recent() : List.of());
            Set<String> admitted = new HashSet<>();
            for (ShareClick click : clicks) {
                long at = click.at().toEpochMilli();
                if (recent.stream().anyMatch(e -> e.m().equals(click.messageId()))) {
                    admitted.add(click.messageId());
                    continue;
                }
                recent.removeIf(e -> e.t() <= at - MINUTE);
                if (recent.size() < limit) {
                    recent.add(new Entry(click.messageId(), at));
                    admitted.add(click.messageId());
                }
            }
            ShareClick first = clicks.get(0);
            Instant last = clicks.stream().map(ShareClick::at).max(Instant::compareTo).orElseThrow();
            Window next = new Window(first.code(), first.ip(), recent, last);
            try {
                if (current.found()) {
                    long seqNo = current.seqNo();
                    long term = current.primaryTerm();
                    client.index(i -> i.index(indices.shareBursts()).id(id).document(next).ifSeqNo(seqNo).ifPrimaryTerm(term));
                } else {
                    client.create(c -> c.index(indices.shareBursts()).id(id).document(next));
                }
                return admitted;
            } catch (ElasticsearchException e) {
                if (e.status() != 409 || attempt >= 50) {
                    throw e;
                }
                log.debug("Burst window {} changed meanwhile (attempt {}), reading it again", id, attempt);
            }
        }
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
