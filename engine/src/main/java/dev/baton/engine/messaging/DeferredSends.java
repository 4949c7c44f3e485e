package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Audience sends that quiet hours held back go out when morning comes where each lead lives: a
 * pass every {@code baton.broadcasts.deferred-interval} reads the deferred deliveries now due
 * (only those, by key, a page at a time) and publishes them to the sends topic again, where the
 * send workers judge them afresh (an opt-out meanwhile still stops them). Every node may run the
 * pass: a send published twice is claimed once.
 */
@Component
@ConditionalOnProperty(name = "baton.workers.enabled", havingValue = "true", matchIfMissing = true)
class DeferredSends {
    private static final Logger log = LoggerFactory.getLogger(DeferredSends.class);
    private static final int PAGE = 1000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final AudienceSends sends;
    private final Clock clock;

    DeferredSends(ElasticsearchClient client, Indices indices, AudienceSends sends, Clock clock) {
        this.client = client;
        this.indices = indices;
        this.sends = sends;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${baton.broadcasts.deferred-interval:1m}",
            initialDelayString = "${baton.broadcasts.deferred-interval:1m}")
    void publishDue() {
        Instant now = clock.instant();
        List<FieldValue> after = null;
        long published = 0;
        try {
            indices.ensureInstalled();
            while (true) {
                List<FieldValue> from = after;
                var response = client.search(s -> {
                    s.index(indices.deliveries()).size(PAGE)
                            .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("state").value("deferred")))
                                    .filter(f -> f.range(r -> r.date(d -> d.field("notBefore").lte(now.toString()))))))
                            .sort(o -> o.field(f -> f.field("key").order(SortOrder.Asc)));
                    if (from != null) {
                        s.searchAfter(from);
                    }
                    return s;
                }, DeliveryLog.Delivery.class);
                var hits = response.hits().hits();
                List<AudienceSends.AudienceSend> due = new ArrayList<>(hits.size());
                for (var hit : hits) {
                    DeliveryLog.Delivery deferred = hit.source();
                    if (deferred != null && deferred.batch() != null) {
                        due.add(new AudienceSends.AudienceSend(deferred.batch(), deferred.leadId(), deferred.channel(),
                                deferred.template()));
                    }
                }
                sends.publish(due);
                published += due.size();
                if (hits.size() < PAGE) {
                    break;
                }
                after = hits.get(hits.size() - 1).sort();
            }
            if (published > 0) {
                log.info("{} audience send(s) held back by quiet hours are due now: handed to the send workers", published);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Publishing due deferred sends failed after {}, will try again: {}", published, e.getMessage());
        }
    }
}
