package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The "missing JavaScript" bot signal. A click on content whose page carries Baton's snippet
 * counts for now and waits: the page's snippet reports the click ({@code bt_c} in the landing
 * address), or the visitor submits a form (a person whose browser blocks scripts). A click
 * neither confirms within {@code baton.advocacy.js-grace} came from something that does not run
 * JavaScript (scripts, link checkers, most crawlers) and is excluded as {@code no-js}: out of
 * reach and points, counted with the other exclusions.
 *
 * <p>Runs on every node, once a minute; each verdict is written only if the click did not change
 * since it was read (sequence number), so two nodes judging at once do not clash.
 */
@Component
class NoJsClicks {
    private static final Logger log = LoggerFactory.getLogger(NoJsClicks.class);
    private static final int BATCH = 500;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final Clock clock;
    private final Duration grace;

    NoJsClicks(ElasticsearchClient client, Indices indices, Clock clock,
               @Value("${baton.advocacy.js-grace:PT10M}") Duration grace) {
        this.client = client;
        this.indices = indices;
        this.clock = clock;
        this.grace = grace;
    }

    /** How many waiting clicks a judgement confirmed and how many it excluded. */
    record Verdicts(int confirmed, int excluded) {
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void judgeDue() {
        try {
            indices.ensureInstalled();
            Verdicts verdicts = judge(clock.instant());
            if (verdicts.excluded() > 0 || verdicts.confirmed() > 0) {
                log.info("Share clicks past their JavaScript grace: {} confirmed, {} excluded as no-js",
                        verdicts.confirmed(), verdicts.excluded());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Judging share clicks without JavaScript failed, next minute then: {}", e.getMessage());
        }
    }

    /** Judges every waiting click whose grace is over at {@code now}. */
    Verdicts judge(Instant now) throws IOException {
        String due = now.minus(grace).toString();
        int confirmed = 0;
        int excluded = 0;
        while (true) {
            List<Hit<JsonNode>> waiting = client.search(s -> s.index(indices.shareClicks()).size(BATCH).seqNoPrimaryTerm(true)
                    .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("awaitingJs").value(true)))
                            .filter(f -> f.range(r -> r.date(d -> d.field("at").lte(due))))))
                    .sort(o -> o.field(f -> f.field("at"))), JsonNode.class).hits().hits();
            if (waiting.isEmpty()) {
                return new Verdicts(confirmed, excluded);
            }
            Set<String> ran = found(indices.shareJs(), waiting.stream().map(Hit::id).toList());
            Set<String> formed = visitorsWithForms(waiting.stream().map(h -> h.source().path("visitor").asText()).toList());
            BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
            Set<String> humans = new HashSet<>();
            for (Hit<JsonNode> click : waiting) {
                boolean human = ran.contains(click.id()) || formed.contains(click.source().path("visitor").asText());
                Map<String, Object> verdict = human ? Map.of("awaitingJs", false)
                        : Map.of("awaitingJs", false, "counted", false, "excluded", "no-js");
                bulk.operations(o -> o.update(u -> u.index(indices.shareClicks()).id(click.id())
                        .ifSeqNo(click.seqNo()).ifPrimaryTerm(click.primaryTerm()).action(a -> a.doc(verdict))));
                if (human) {
                    humans.add(click.id());
                }
            }
            for (BulkResponseItem item : client.bulk(bulk.build()).items()) {
                if (item.error() == null) {
                    if (humans.contains(item.id())) {
                        confirmed++;
                    } else {
                        excluded++;
                    }
                } else if (item.status() != 409) { // 409: another node judged this click meanwhile; its verdict stands
                    throw new IOException("judging share click " + item.id() + " failed: " + item.error().reason());
                }
            }
            if (waiting.size() < BATCH) {
                return new Verdicts(confirmed, excluded);
            }
        }
    }

    private Set<String> found(String index, List<String> ids) throws IOException {
        Set<String> found = new HashSet<>();
        for (var doc : client.mget(m -> m.index(index).ids(ids), JsonNode.class).docs()) {
            if (doc.isResult() && doc.result().found()) {
                found.add(doc.result().id());
            }
        }
        return found;
    }

    private Set<String> visitorsWithForms(List<String> visitors) throws IOException {
        Set<String> formed = new HashSet<>();
        for (var doc : client.mget(m -> m.index(indices.attribution()).ids(List.copyOf(new HashSet<>(visitors))), JsonNode.class)
                .docs()) {
            if (doc.isResult() && doc.result().found() && doc.result().source().path("formSubmitted").asBoolean(false)) {
                formed.add(doc.result().id());
            }
        }
        return formed;
    }
}
