package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.identity.ShareClickIds;
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
import java.util.Optional;
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
 *
 * <p>A landing page on the customer's domain reports the click it came from ({@code bt_c}) from a
 * visitor id of its own. The first event to report a genuine click, within the join window, gives
 * its visitor the click's share as attribution too (first touch kept, last touch replaced); the
 * report is recorded create-only by click id with the message id that made it, so a click id
 * replayed from another browser, or a redelivered batch, hands nobody else to the sharer.
 */
@Component
class ShareClickAccounting {
    private static final Logger log = LoggerFactory.getLogger(ShareClickAccounting.class);
    /**
     * Click ids /s/{code} handed out before they were signed (UUIDs): a page may still report one
     * (confirmed, never joined). Any other id a page reports that does not verify is ignored, not stored.
     */
    private static final Pattern UNSIGNED_CLICK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private final ElasticsearchClient client;
    private final Indices indices;
    private final TrackingMessages messages;
    private final BurstWindows bursts;
    private final ShareClickIds clickIds;
    private final Shares shares;

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    ShareClickAccounting(ElasticsearchClient client, Indices indices, TrackingMessages messages, BurstWindows bursts,
                         ShareClickIds clickIds, Shares shares, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        metrics.counter("baton.share.clicks", "outcome", "counted", "reason", "none");
        for (String reason : List.of("self", "repeat", "bot", "burst", "no-js")) {
            metrics.counter("baton.share.clicks", "outcome", "excluded", "reason", reason);
        }
        this.client = client;
        this.indices = indices;
        this.messages = messages;
        this.bursts = bursts;
        this.clickIds = clickIds;
        this.shares = shares;
    }

    /**
     * A page's report of the click it came from (the first in the batch per click id).
     *
     * @param joinable the click, when it was genuine and this report came within the join window
     * @param share    the share the page names ({@code bt_s})
     */
    private record PageReport(String click, String visitor, String messageId, Instant at,
                              ShareClickIds.Click joinable, String share) {
    }

    /** A landing page's visitor to attribute to the share of a click of {@code clickVisitor}. */
    private record Join(String visitor, String clickVisitor, Attribution.Touch touch) {
    }

    @KafkaListener(id = "baton-advocacy", topics = "${baton.kafka.events-topic}",
            groupId = "${spring.kafka.consumer.group-id}-advocacy", batch = "true", containerFactory = "eventsListenerFactory",
            autoStartup = "${baton.consumers.enabled:true}")
    void onEvents(List<ConsumerRecord<String, String>> records) throws IOException {
        List<ShareClick> clicks = new ArrayList<>();
        List<TrackedEvent> forms = new ArrayList<>();
        Map<String, PageReport> reports = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            TrackedEvent event;
            try {
                event = messages.fromKafka(record.value());
            } catch (RuntimeException e) {
                continue; // the events pipeline sends unreadable records to the dead-letter topic
            }
            PageReport report = report(event);
            if (report != null) {
                reports.putIfAbsent(report.click(), report); // sent by t.js on the page the click led to
            }
            JsonNode properties = event.message().path("properties");
            if ("Share Clicked".equals(event.event()) && properties.has("chain") && event.anonymousId() != null) {
                clicks.add(click(event, properties));
            } else if ("Form Submitted".equals(event.event()) && event.anonymousId() != null) {
                forms.add(event);
            }
        }
        if (clicks.isEmpty() && forms.isEmpty() && reports.isEmpty()) {
            return;
        }
        indices.ensureInstalled();
        List<ShareClick> decided = decide(clicks);
        List<Join> joins = claimReports(reports);
        store(decided, joins, forms);
    }

    /** The click an event reports (context.campaign.click), or null when it reports none of ours. */
    private PageReport report(TrackedEvent event) {
        JsonNode campaign = event.message().path("context").path("campaign");
        String id = text(campaign, "click");
        if (id == null) {
            return null;
        }
        Optional<ShareClickIds.Click> click = clickIds.verify(id);
        if (click.isEmpty() && !UNSIGNED_CLICK_ID.matcher(id).matches()) {
            return null;
        }
        ShareClickIds.Click joinable = click.filter(c -> clickIds.joinable(c, event.timestamp())
                && event.anonymousId() != null && !event.anonymousId().equals(c.visitorId())).orElse(null);
        return new PageReport(id, event.anonymousId(), event.messageId(), event.timestamp(), joinable, text(campaign, "share"));
    }

    /**
     * Records each page's report of its click (the first one per click id wins, whichever batch or
     * node it came in: create-only), and returns the landing visitors to join to the clicks whose
     * first report this batch's events made (also when an earlier attempt of this batch recorded it).
     */
    private List<Join> claimReports(Map<String, PageReport> reports) throws IOException {
        List<Join> joins = new ArrayList<>();
        if (reports.isEmpty()) {
            return joins;
        }
        Map<String, Map<String, String>> documents = new LinkedHashMap<>();
        reports.forEach((id, report) -> {
            Map<String, String> doc = new HashMap<>(); // the visitor is null for an event with a user id only
            doc.put("click", id);
            doc.put("at", report.at().toString());
            doc.put("visitor", report.visitor());
            doc.put("messageId", report.messageId());
            documents.put(id, doc);
        });
        Set<String> first = claim(indices.shareJs(), documents, "a page's share click");
        for (String id : first) {
            PageReport report = reports.get(id);
            Share share = report.joinable() == null || report.share() == null ? null : shares.genuine(report.share());
            if (share != null) {
                joins.add(new Join(report.visitor(), report.joinable().visitorId(),
                        Attribution.Touch.of(share, report.joinable().at())));
            }
        }
        return joins;
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
        Map<String, Map<String, String>> documents = new LinkedHashMap<>();
        visits.forEach((id, click) -> documents.put(id, Map.of("code", click.code(), "visitor", click.visitor(),
                "messageId", click.messageId())));
        claim(indices.shareVisits(), documents, "a visit").forEach(id -> firsts.add(visits.get(id).messageId()));
        return firsts;
    }

    /**
     * Creates each document (keyed, carrying the message id that claims it) where none exists yet:
     * the first claim wins, whichever batch or node made it. Returns the ids this batch holds:
     * created now, or by an attempt of the same message that did not finish.
     */
    private Set<String> claim(String index, Map<String, Map<String, String>> documents, String what) throws IOException {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        documents.forEach((id, doc) -> bulk.operations(o -> o.create(c -> c.index(index).id(id).document(doc))));
        Set<String> held = new HashSet<>();
        List<String> taken = new ArrayList<>();
        for (BulkResponseItem item : client.bulk(bulk.build()).items()) {
            if (item.error() == null) {
                held.add(item.id());
            } else if (item.status() == 409) {
                taken.add(item.id());
            } else {
                throw new IOException("recording " + what + " failed: " + item.error().reason());
            }
        }
        existing(index, taken).forEach((id, doc) -> {
            if (documents.get(id).get("messageId").equals(doc.path("messageId").asText())) {
                held.add(id);
            }
        });
        return held;
    }

    private void store(List<ShareClick> clicks, List<Join> joins, List<TrackedEvent> forms) throws IOException {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        int operations = 0;
        for (ShareClick click : clicks) {
            bulk.operations(o -> o.index(i -> i.index(indices.shareClicks()).id(click.messageId()).document(click)));
            operations++;
            if (click.counted()) {
                Attribution.Touch touch = new Attribution.Touch(click.code(), click.campaign(), click.sharer(),
                        click.rootEmployee(), click.rootTeam(), click.chain(), click.chainSharers(), click.depth(), click.at());
                attribute(bulk, click.visitor(), touch, null);
                operations++;
            }
        }
        for (Join join : joins) {
            // Before the forms: the landing visitor's form may be in this very batch.
            attribute(bulk, join.visitor(), join.touch(), join.clickVisitor());
            operations++;
        }
        for (TrackedEvent form : forms) {
            bulk.operations(o -> o.update(u -> u.index(indices.attribution()).id(form.anonymousId())
                    .action(a -> a.doc(Map.of("formSubmitted", true, "formAt", form.timestamp().toString())))));
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
        for (ShareClick click : clicks) {
            // baton_share_clicks_total: counted as reach, or excluded with its reason (self, repeat, bot, burst, no-js).
            metrics.counter("baton.share.clicks", "outcome", click.counted() ? "counted" : "excluded",
                    "reason", click.counted() || click.excluded() == null ? "none" : click.excluded()).increment();
        }
        if (!clicks.isEmpty() || !joins.isEmpty()) {
            log.debug("Share clicks: {} counted, {} excluded; {} landing visitors joined", counted, clicks.size() - counted,
                    joins.size());
        }
    }

    /**
     * Sets a visitor's last touch, and its first when it has none. No scripts (not every
     * Elasticsearch has Painless): a new visitor's document is the upsert with both touches; an
     * existing one only gets its last touch replaced.
     */
    private void attribute(BulkRequest.Builder bulk, String visitor, Attribution.Touch touch, String joinedFrom) {
        Map<String, Object> last = new HashMap<>();
        last.put("lastTouch", touch);
        if (joinedFrom != null) {
            last.put("joinedFrom", joinedFrom);
        }
        Attribution first = new Attribution(visitor, touch, touch, false, null, joinedFrom);
        bulk.operations(o -> o.update(u -> u.index(indices.attribution()).id(visitor).action(a -> a.doc(last).upsert(first))));
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
