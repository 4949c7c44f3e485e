package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.tracking.TrackedEvent;
import dev.baton.engine.tracking.TrackingMessages;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Decides, for every share click, whether it is reach, and keeps attribution. Its own consumer
 * group on the events topic (events are keyed by visitor, so one visitor's clicks and form come
 * in order). A click is excluded when it is the sharer's own ({@code self}), a bot's, the same
 * visitor again on the same link ({@code repeat}), or one of too many from one address on one link
 * within a minute ({@code burst}); excluded clicks are kept, with their reason, for admins.
 *
 * <p>Idempotent: click documents are keyed by message id, the first visit of a visitor to a link
 * by {@code share|visitor} with the message id that made it, so a replayed batch decides the same.
 * Counted clicks set the visitor's first-touch (once) and last-touch share; a form submitted by an
 * attributed visitor is marked on its attribution.
 */
@Component
class ShareClickAccounting {
    private static final Logger log = LoggerFactory.getLogger(ShareClickAccounting.class);
    /** The click ids /s/{code} hands out (UUIDs); anything else a page reports is ignored, not stored. */
    private static final Pattern CLICK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private final ElasticsearchClient client;
    private final Indices indices;
    private final TrackingMessages messages;
    private final BurstWindows bursts;

    ShareClickAccounting(ElasticsearchClient client, Indices indices, TrackingMessages messages, BurstWindows bursts) {
        this.client = client;
        this.indices = indices;
        this.messages = messages;
        this.bursts = bursts;
    }

    @KafkaListener(id = "baton-advocacy", topics = "${baton.kafka.events-topic}",
            groupId = "${spring.kafka.consumer.group-id}-advocacy", batch = "true", containerFactory = "eventsListenerFactory",
            autoStartup = "${baton.consumers.enabled:true}")
    void onEvents(List<ConsumerRecord<String, String>> records) throws IOException {
        List<ShareClick> clicks = new ArrayList<>();
        List<TrackedEvent> forms = new ArrayList<>();
        Map<String, Instant> ranJs = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            TrackedEvent event;
            try {
                event = messages.fromKafka(record.value());
            } catch (RuntimeException e) {
                continue; // the events pipeline sends unreadable records to the dead-letter topic
            }
            String click = text(event.message().path("context").path("campaign"), "click");
            if (click != null && CLICK_ID.matcher(click).matches()) {
                ranJs.putIfAbsent(click, event.timestamp()); // sent by t.js on the page the click led to
            }
            JsonNode properties = event.message().path("properties");
            if ("Share Clicked".equals(event.event()) && properties.has("chain") && event.anonymousId() != null) {
                clicks.add(click(event, properties));
            } else if ("Form Submitted".equals(event.event()) && event.anonymousId() != null) {
                forms.add(event);
            }
        }
        if (clicks.isEmpty() && forms.isEmpty() && ranJs.isEmpty()) {
            return;
        }
        indices.ensureInstalled();
        List<ShareClick> decided = decide(clicks);
        store(decided, forms, ranJs);
    }

    private ShareClick click(TrackedEvent event, JsonNode p) {
        JsonNode context = event.message().path("context");
        return new ShareClick(event.messageId(), p.path("share").asText(), text(p, "campaign"), text(p, "content"),
                text(p, "sharer"), text(p, "rootEmployee"), text(p, "rootTeam"), p.path("depth").asInt(1), strings(p.path("chain")),
                strings(p.path("chainSharers")), event.anonymousId(), text(context, "ip"), text(context, "userAgent"),
                text(p, "referrer"), text(p, "channel"), event.timestamp(), false, text(p, "excluded"),
                p.path("expectsJs").asBoolean(false));
    }

    /** Each click with its verdict, in the order they came. */
    private List<ShareClick> decide(List<ShareClick> clicks) throws IOException {
        if (clicks.isEmpty()) {
            return clicks;
        }
        Set<String> seen = existing(indices.shareClicks(), clicks.stream().map(ShareClick::messageId).toList()).keySet();
        List<ShareClick> fresh = clicks.stream().filter(c -> !seen.contains(c.messageId())).toList();
        Set<String> withinLimit = bursts.admit(fresh.stream().filter(c -> c.excluded() == null).toList());
        List<ShareClick> decided = new ArrayList<>();
        Map<String, ShareClick> firstVisits = new LinkedHashMap<>();
        for (ShareClick click : fresh) {
            if (click.excluded() != null) {
                decided.add(click.decided(false, click.excluded()));
                continue;
            }
            if (!withinLimit.contains(click.messageId())) {
                decided.add(click.decided(false, "burst"));
                continue;
            }
            decided.add(click);
            firstVisits.putIfAbsent(click.code() + "|" + click.visitor(), click);
        }
        Set<String> firsts = claimFirstVisits(firstVisits);
        List<ShareClick> result = new ArrayList<>(decided.size());
        for (ShareClick click : decided) {
            if (click.excluded() != null) {
                result.add(click);
            } else {
                boolean first = firsts.contains(click.messageId());
                result.add(click.decided(first, first ? null : "repeat"));
            }
        }
        return result;
    }

    /**
     * Records the first visit of each visitor to each link; returns the message ids of the clicks
     * that are first visits (also when an earlier attempt of this batch recorded them).
     */
    private Set<String> claimFirstVisits(Map<String, ShareClick> visits) throws IOException {
        Set<String> firsts = new HashSet<>();
        if (visits.isEmpty()) {
            return firsts;
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        visits.forEach((id, click) -> bulk.operations(o -> o.create(c -> c.index(indices.shareVisits()).id(id)
                .document(Map.of("code", click.code(), "visitor", click.visitor(), "messageId", click.messageId())))));
        List<String> taken = new ArrayList<>();
        for (BulkResponseItem item : client.bulk(bulk.build()).items()) {
            if (item.error() == null) {
                firsts.add(visits.get(item.id()).messageId());
            } else if (item.status() == 409) {
                taken.add(item.id());
            } else {
                throw new IOException("recording a visit failed: " + item.error().reason());
            }
        }
        existing(indices.shareVisits(), taken).forEach((id, doc) -> {
            if (visits.get(id).messageId().equals(doc.path("messageId").asText())) {
                firsts.add(visits.get(id).messageId()); // this very click, recorded by an attempt that did not finish
            }
        });
        return firsts;
    }

    private void store(List<ShareClick> clicks, List<TrackedEvent> forms, Map<String, Instant> ranJs) throws IOException {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        int operations = 0;
        for (ShareClick click : clicks) {
            bulk.operations(o -> o.index(i -> i.index(indices.shareClicks()).id(click.messageId()).document(click)));
            operations++;
            if (click.counted()) {
                Attribution.Touch touch = new Attribution.Touch(click.code(), click.campaign(), click.sharer(),
                        click.rootEmployee(), click.rootTeam(), click.chain(), click.chainSharers(), click.depth(), click.at());
                // No scripts (not every Elasticsearch has Painless): a new visitor's document is the
                // upsert with both touches; an existing one only gets its last touch replaced.
                Attribution first = new Attribution(click.visitor(), touch, touch, false, null);
                bulk.operations(o -> o.update(u -> u.index(indices.attribution()).id(click.visitor())
                        .action(a -> a.doc(Map.of("lastTouch", touch)).upsert(first))));
                operations++;
            }
        }
        for (TrackedEvent form : forms) {
            bulk.operations(o -> o.update(u -> u.index(indices.attribution()).id(form.anonymousId())
                    .action(a -> a.doc(Map.of("formSubmitted", true, "formAt", form.timestamp().toString())))));
            operations++;
        }
        for (var confirmation : ranJs.entrySet()) {
            // Kept apart from the click: the page's report may be read before the click (other partition).
            bulk.operations(o -> o.index(i -> i.index(indices.shareJs()).id(confirmation.getKey())
                    .document(Map.of("click", confirmation.getKey(), "at", confirmation.getValue().toString()))));
            operations++;
        }
        if (operations == 0) {
            return;
        }
        var response = client.bulk(bulk.build());
        for (BulkResponseItem item : response.items()) {
            // A form by a visitor no share brought has no attribution to mark: nothing to do.
            if (item.error() != null && !"document_missing_exception".equals(item.error().type())) {
                throw new IOException("storing share clicks failed: " + item.error().type() + " " + item.error().reason());
            }
        }
        long counted = clicks.stream().filter(ShareClick::counted).count();
        if (!clicks.isEmpty()) {
            log.debug("Share clicks: {} counted, {} excluded", counted, clicks.size() - counted);
        }
    }

    private Map<String, JsonNode> existing(String index, List<String> ids) throws IOException {
        Map<String, JsonNode> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        var response = client.mget(m -> m.index(index).ids(ids), JsonNode.class);
        for (var doc : response.docs()) {
            if (doc.isResult() && doc.result().found()) {
                found.put(doc.result().id(), doc.result().source());
            }
        }
        return found;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
