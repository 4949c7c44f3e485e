package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.journeys.JourneySignal;
import dev.baton.engine.journeys.JourneySignals;
import dev.baton.engine.identity.BatchIdentities;
import dev.baton.engine.identity.ConcurrentChangeException;
import dev.baton.engine.identity.IdentityStore;
import dev.baton.engine.identity.PersonIds;
import dev.baton.engine.identity.ShareClickIds;
import dev.baton.engine.scoring.ScoringService;
import dev.baton.engine.search.Indices;
import dev.baton.engine.tracking.DeadLetters;
import dev.baton.engine.tracking.TrackedEvent;
import dev.baton.engine.tracking.TrackingMessages;
import dev.baton.rules.ScoreChange;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One batch of events from Kafka → identities resolved, lead profiles scored and merged, events
 * stored, in Elasticsearch.
 *
 * <p>Exactly-once in effect over at-least-once delivery: a message id already stored is not
 * counted again (replays, duplicates from senders); profiles are written before events and
 * remember the last offset applied per partition, so a batch re-read after a crash in between
 * neither loses nor double-counts. Offsets are committed (by the container) only after every
 * write was acknowledged; any failure throws, and the whole batch is retried on fresh reads.
 */
@Component
class EventPipeline {
    private static final Logger log = LoggerFactory.getLogger(EventPipeline.class);
    private static final PersonIds NO_IDS = new PersonIds(null, null, null, null, null);

    private final ElasticsearchClient client;
    private final Indices indices;
    private final LeadStore leads;
    private final IdentityStore identities;
    private final LeadScorer scorer;
    private final TrackingMessages messages;
    private final DeadLetters deadLetters;
    private final TierChanges tierChanges;
    private final JourneySignals journeys;
    private final ScoringService scoring;
    private final ShareClickIds clickIds;
    private final SegmentMemberships memberships;
    /** The event a share-link redirect records (advocacy's), which says who brought the visitor. */
    private static final String SHARE_CLICKED = "Share Clicked";
    private final EngineEvents engineEvents;
    private final ObjectMapper json;
    private final Clock clock;
    /** Runs the reads a batch needs that do not depend on each other at the same time (daemon threads). */
    private final ExecutorService reads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "pipeline-read");
        thread.setDaemon(true);
        return thread;
    });

    EventPipeline(ElasticsearchClient client, Indices indices, LeadStore leads, IdentityStore identities,
                  LeadScorer scorer, TrackingMessages messages, DeadLetters deadLetters, TierChanges tierChanges,
                  JourneySignals journeys, ScoringService scoring, ShareClickIds clickIds, SegmentMemberships memberships,
                  EngineEvents engineEvents, ObjectMapper json, Clock clock) {
        this.clickIds = clickIds;
        this.memberships = memberships;
        this.engineEvents = engineEvents;
        this.client = client;
        this.indices = indices;
        this.leads = leads;
        this.identities = identities;
        this.scorer = scorer;
        this.messages = messages;
        this.deadLetters = deadLetters;
        this.tierChanges = tierChanges;
        this.journeys = journeys;
        this.scoring = scoring;
        this.json = json;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        reads.shutdownNow();
    }

    /** The result of a read started with {@link #reads}, its failure thrown as the read threw it. */
    private static <T> T awaitRead(Future<T> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    /** @param systemLead the lead an engine-made event (Tier Changed, Email Sent…) belongs to; null for events from outside */
    private record Incoming(ConsumerRecord<String, String> record, TrackedEvent event, PersonIds ids,
                            Map<String, Object> traits, String systemLead) {
        String partitionKey() {
            return record.topic() + "-" + record.partition();
        }
    }

    void process(List<ConsumerRecord<String, String>> records) throws IOException {
        indices.ensureInstalled();
        Map<String, Incoming> byMessageId = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                TrackedEvent event = messages.fromKafka(record.value());
                String systemLead = EngineEvents.leadOf(record);
                Map<String, Object> traits = systemLead == null ? event.traits(json) : Map.of();
                PersonIds ids = systemLead == null ? withReportedClick(PersonIds.of(event, traits), event) : NO_IDS;
                byMessageId.putIfAbsent(event.messageId(), new Incoming(record, event, ids, traits, systemLead));
            } catch (RuntimeException e) {
                deadLetters.send(record, "unreadable event: " + e.getMessage());
            }
        }
        // Which message ids are stored already, and, at the same time, the identities of the batch's
        // keys followed by every profile they and the batch's own ids name. Identities strictly before
        // profiles: a fold writes its tombstones before the identities, so a key seen moved to a lead
        // means the lead it left is seen folded (read the other way round, a device's visitor lead
        // could look live beside a mapping that already went past it).
        List<Incoming> all = List.copyOf(byMessageId.values());
        var identified = reads.submit(() -> identitiesAndProfiles(all));
        Set<String> stored;
        Identified found;
        try {
            stored = alreadyStored(all);
            found = awaitRead(identified);
        } finally {
            identified.cancel(true);
        }
        List<Incoming> fresh = all.stream().filter(i -> !stored.contains(i.event().messageId())).toList();
        if (fresh.isEmpty()) {
            return;
        }
        Map<String, String> mapped = found.mappings().leads();
        Map<String, LeadStore.Versioned> read = found.read();
        BatchIdentities batchIdentities = new BatchIdentities(mapped, found.mappings().formerLeads(), new StoredLeads(read));
        List<BatchIdentities.Resolution> resolutions = new ArrayList<>(fresh.size());
        Set<String> leadIds = new LinkedHashSet<>();
        for (Incoming in : fresh) {
            var resolution = in.systemLead() != null ? systemResolution(in.systemLead(), read)
                    : batchIdentities.resolve(in.ids(), "alias".equals(in.event().type()));
            resolutions.add(resolution);
            if (log.isDebugEnabled() && (!in.ids().strongKeys().isEmpty() || !resolution.mergeFrom().isEmpty())) {
                log.debug("{} at {}@{}: ids {} -> lead {}, folding {}, earlier leads {} (stored mappings {})",
                        in.event().messageId(), in.partitionKey(), in.record().offset(), in.ids().allKeys(),
                        resolution.leadId(), resolution.mergeFrom(), resolution.earlierLeads(),
                        in.ids().allKeys().stream().filter(mapped::containsKey).map(key -> key + "=" + mapped.get(key)).toList());
            }
            leadIds.add(resolution.leadId());
            leadIds.addAll(resolution.mergeFrom());
        }
        // New leads' ids, never asked for: absent, unless another node just created one (then its
        // write and ours conflict). An id asked for before is not read again: a newer version than the
        // one resolution used would let this batch write over a fold it never saw.
        leadIds.removeAll(found.asked());
        Map<String, LeadStore.Versioned> created = leads.getAll(leadIds);
        for (LeadStore.Versioned other : created.values()) {
            if (other.profile().mergedInto() != null) {
                throw new ConcurrentChangeException("lead " + other.profile().id() + " was folded into "
                        + other.profile().mergedInto() + " while this batch resolved its events");
            }
        }
        read.putAll(created);
        Map<String, LeadProfile> profiles = new LinkedHashMap<>();
        read.forEach((id, versioned) -> profiles.put(id, versioned.profile()));
        Set<String> changed = new LinkedHashSet<>();
        Map<String, ObjectNode> eventDocs = new LinkedHashMap<>();
        List<TierChanges.TierChange> tierMoves = new ArrayList<>();
        String startingTier = scoring.current().band(0);
        List<TrackedBehaviour> behaviours = memberships.behaviours();

        for (int n = 0; n < fresh.size(); n++) {
            Incoming in = fresh.get(n);
            var resolution = resolutions.get(n);
            LeadProfile lead = profiles.getOrDefault(resolution.leadId(), LeadProfile.newLead(resolution.leadId()));
            String tierBefore = lead.tier();
            Set<String> folded = resolution.mergeFrom().isEmpty() ? Set.of() : new TreeSet<>();
            if (!resolution.mergeFrom().isEmpty()) {
                // Whether or not this event is applied again (a retried batch): the folds it decided are.
                LeadProfile merged = mergeInto(lead, resolution, profiles, changed, folded);
                if (merged != lead) {
                    lead = merged;
                    profiles.put(lead.id(), lead);
                    changed.add(lead.id());
                }
            }
            Long applied = appliedUpTo(lead, resolution, profiles, in.partitionKey());
            ObjectNode doc = in.event().message().deepCopy();
            doc.put(EventFields.LEAD_ID, lead.id());
            doc.put(EventFields.NAME, in.event().event());
            // Engine-made events are scored like any other, except the moves leads records and what
            // features declare not behaviour (NotScoredEvents).
            boolean toScore = in.systemLead() == null || engineEvents.scored(in.event().event());
            if (toScore && (applied == null || applied < in.record().offset())) {
                LeadScorer.Scored scored = scorer.apply(lead, in.event(), in.ids(), in.traits());
                lead = scored.profile().withOffset(in.partitionKey(), in.record().offset());
                ObjectNode score = doc.putObject("score");
                score.put("points", scored.card().points());
                var rules = score.putArray("rules");
                scored.card().changes().stream().map(ScoreChange::rule).distinct().forEach(rules::add);
                profiles.put(lead.id(), lead);
                changed.add(lead.id());
            }
            LeadProfile noted = noted(lead, in, behaviours);
            if (noted != lead) {
                lead = noted;
                profiles.put(lead.id(), lead);
                changed.add(lead.id());
            }
            // A move the event (or a fold it decided) caused; a retried batch derives the same
            // message id, so it is stored once. A move that comes with a fold is named by the leads
            // folded, not by the event: a batch retried after the lead's write was lost takes the
            // same fold in at another of its events (the identities it wrote now point there).
            if (lead.tier() != null && !lead.tier().equals(tierBefore) && !(tierBefore == null && lead.tier().equals(startingTier))) {
                tierMoves.add(folded.isEmpty()
                        ? new TierChanges.TierChange(lead.id(), tierBefore, lead.tier(), lead.score(), lead.ruleSetVersion(),
                                "event", in.event().messageId(), in.event().timestamp())
                        : new TierChanges.TierChange(lead.id(), tierBefore, lead.tier(), lead.score(), lead.ruleSetVersion(),
                                "merge", String.join("+", folded) + ":" + lead.tier(), in.event().timestamp()));
            }
            eventDocs.put(in.event().messageId(), doc);
        }
        tierChanges.publish(tierMoves);
        // Which segments the changed leads are in now; the moves are published before the leads are
        // written, with ids derived from the stored memberships, so a retried batch records them once.
        var evaluated = memberships.evaluate(changed.stream().map(profiles::get).toList(), clock.instant());
        profiles.putAll(evaluated.profiles());
        engineEvents.publish(evaluated.events());
        // Tombstones first: once one is written its lead is frozen (a node still writing it conflicts
        // and redoes its batch), and its content waits in the tombstone until the surviving lead,
        // written last, has taken it in.
        List<LeadProfile> written = changed.stream().map(profiles::get).toList();
        leads.writeAll(written.stream().filter(p -> p.mergedInto() != null).toList(), read);
        identities.write(batchIdentities.created(), batchIdentities.remapped(), batchIdentities.movedFrom(), clock.instant());
        leads.writeAll(written.stream().filter(p -> p.mergedInto() == null).toList(), read);
        // After the leads (a journey step reads the lead), before the events: a batch retried after
        // a failure here has not stored its events yet, so it forwards them again (the journeys
        // side counts each message id once).
        journeys.publish(journeySignals(fresh, eventDocs, profiles));
        writeEvents(fresh, eventDocs);
        log.debug("Stored {} events for {} leads ({} already stored)", fresh.size(), changed.size(), stored.size());
    }

    /**
     * The last offset of this partition whose event has been applied, as far as this event can
     * tell: the lead's own, or that of a lead folded into it that this event's ids led to before
     * (a batch interrupted after that lead applied the event). Offsets are never added up across
     * leads: a lead folded in brings its events, not a claim on the other events of its partition.
     */
    private static Long appliedUpTo(LeadProfile lead, BatchIdentities.Resolution resolution,
                                    Map<String, LeadProfile> profiles, String partition) {
        Long applied = lead.kafkaOffsets().get(partition);
        for (String earlier : resolution.earlierLeads()) {
            LeadProfile tombstone = profiles.get(earlier);
            Long theirs = tombstone == null ? null : tombstone.kafkaOffsets().get(partition);
            if (theirs != null && (applied == null || theirs > applied)) {
                applied = theirs;
            }
        }
        return applied;
    }

    /**
     * The lead with what segments need from this event: one more occurrence of each behaviour it
     * matches (an occurrence counts once, so a retried batch changes nothing), an opt-out, the
     * share that brought it, where a journey put it.
     */
    private LeadProfile noted(LeadProfile lead, Incoming in, List<TrackedBehaviour> behaviours) {
        String name = in.event().event();
        if (name == null) {
            return lead;
        }
        boolean unsubscribed = "Unsubscribed".equals(name);
        boolean shareClick = SHARE_CLICKED.equals(name);
        boolean journey = in.systemLead() != null && JourneyState.EVENTS.contains(name);
        if (!unsubscribed && !shareClick && !journey && behaviours.stream().noneMatch(b -> b.event().equals(name))) {
            return lead;
        }
        Map<String, Object> properties = in.event().properties(json);
        for (TrackedBehaviour behaviour : behaviours) {
            if (behaviour.matches(name, properties)) {
                lead = lead.counting(behaviour, in.event().timestamp(), in.event().messageId());
            }
        }
        if (unsubscribed && properties.get("channel") instanceof String channel) {
            return lead.unsubscribedFrom(channel);
        }
        if (shareClick && properties.get("share") instanceof String share && properties.get("excluded") == null
                && clickIds.verify(in.event().messageId()).isPresent()) {
            // Recorded by a share link's redirect (its message id is the signed click id: a Share
            // Clicked sent to /v1/track names no share we vouch for), not the sharer's own click nor
            // a bot's; first touch wins.
            return lead.broughtBy(new Brought(share, text(properties, "campaign"), text(properties, "rootEmployee"),
                    text(properties, "rootTeam"), in.event().timestamp()));
        }
        if (journey) {
            JourneyState state = JourneyState.of(name, properties, in.event().timestamp());
            return state == null ? lead : lead.inJourney(String.valueOf(properties.get("journey")), state);
        }
        return lead;
    }

    private static String text(Map<String, Object> properties, String name) {
        return properties.get(name) instanceof String value ? value : null;
    }

    /** The batch's journey-relevant events, with the lead each belongs to and the ids it had before. */
    private List<JourneySignal> journeySignals(List<Incoming> fresh, Map<String, ObjectNode> docs,
                                               Map<String, LeadProfile> profiles) {
        List<JourneySignal> signals = new ArrayList<>();
        for (Incoming in : fresh) {
            if (!journeys.isRelevant(in.event())) {
                continue;
            }
            String leadId = docs.get(in.event().messageId()).path(EventFields.LEAD_ID).asText();
            LeadProfile lead = profiles.get(leadId);
            List<String> formerIds = lead == null ? List.of() : lead.formerIds();
            signals.add(new JourneySignal(in.event().messageId(), leadId, formerIds, in.event().event(),
                    in.event().properties(json), in.event().timestamp(), lead == null ? null : lead.tier(),
                    lead == null ? null : !lead.isAnonymous()));
        }
        return signals;
    }

    /**
     * The ids, with the share click the event reports ({@code context.campaign.click}: a landing
     * page's t.js sends the redirect's bt_c) when that click id is Baton's own, genuine and recent:
     * then the page's visitor and the click's are one person, on two domains.
     */
    private PersonIds withReportedClick(PersonIds ids, TrackedEvent event) {
        String clickId = event.message().path("context").path("campaign").path("click").asText(null);
        if (clickId == null || ids.anonymousId() == null) {
            return ids;
        }
        return clickIds.verify(clickId).filter(click -> clickIds.joinable(click, event.timestamp()))
                .map(click -> ids.withClick(click.visitorId(), click.id())).orElse(ids);
    }

    /**
     * Folds the leads the resolution names into {@code lead}: a live one becomes a tombstone that
     * keeps its content (frozen), and the lead takes that content in; a tombstone folded here
     * earlier whose content the lead has not taken in yet (the write that should have was lost) is
     * taken in now; one the lead already holds is left alone. Safe to repeat on a retried batch.
     *
     * @param folded gets the ids whose content the lead took in here
     */
    private LeadProfile mergeInto(LeadProfile lead, BatchIdentities.Resolution resolution,
                                  Map<String, LeadProfile> profiles, Set<String> changed, Set<String> folded) {
        for (String sourceId : resolution.mergeFrom()) {
            LeadProfile source = profiles.get(sourceId);
            if (sourceId.equals(lead.id())) {
                continue;
            }
            if (source == null) {
                // Nothing stored yet (a device seen first in this call, or a lead another node is
                // creating now): its place is taken by an empty tombstone, written create-only.
                profiles.put(sourceId, LeadProfile.newLead(sourceId).tombstone(lead.id()));
                changed.add(sourceId);
            } else if (source.mergedInto() == null) {
                profiles.put(sourceId, source.tombstone(lead.id()));
                changed.add(sourceId);
                log.info("Merged {} into lead {}", sourceId, lead.id());
                lead = scorer.merge(lead, source);
                folded.add(sourceId);
            } else if (source.owedTo(lead)) {
                log.info("Lead {} takes in {} (folded there by a batch whose write of the lead was lost)", lead.id(), sourceId);
                lead = scorer.merge(lead, source.frozen());
                folded.add(sourceId);
            }
        }
        return lead;
    }

    /** The stored profiles of these ids and, for those folded away, of the leads they went to. */
    /**
     * The identities of a batch's keys and the profiles they (and its own ids) name.
     *
     * @param asked every lead id read, found or not (those named, and those folds led to)
     */
    private record Identified(IdentityStore.Mappings mappings, Map<String, LeadStore.Versioned> read, Set<String> asked) {
    }

    /**
     * The identities of the batch's keys, then every profile they and the batch's own ids name
     * (its devices' visitor leads, an alias's previous id, a click's visitor, engine events'
     * leads), following folds to where they went.
     */
    private Identified identitiesAndProfiles(List<Incoming> batch) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        batch.forEach(in -> keys.addAll(in.ids().allKeys()));
        IdentityStore.Mappings mappings = identities.mappings(keys);
        Set<String> candidates = new LinkedHashSet<>(mappings.leads().values());
        candidates.addAll(mappings.formerLeads().values());
        for (Incoming in : batch) {
            Collections.addAll(candidates, in.systemLead(), in.ids().anonymousId(), in.ids().previousId(),
                    in.ids().clickVisitor());
        }
        candidates.remove(null);
        Set<String> asked = new LinkedHashSet<>(candidates);
        return new Identified(mappings, readFollowingMerges(asked), asked);
    }

    /** The stored profiles of these ids and, for those folded away, of the leads they went to (added to {@code ids}). */
    private Map<String, LeadStore.Versioned> readFollowingMerges(Set<String> ids) throws IOException {
        Map<String, LeadStore.Versioned> read = new LinkedHashMap<>(leads.getAll(ids));
        for (int hop = 0; hop < 10; hop++) {
            Set<String> targets = new LinkedHashSet<>();
            read.values().forEach(v -> {
                if (v.profile().mergedInto() != null && !read.containsKey(v.profile().mergedInto())) {
                    targets.add(v.profile().mergedInto());
                }
            });
            if (targets.isEmpty()) {
                break;
            }
            ids.addAll(targets);
            read.putAll(leads.getAll(targets));
        }
        return read;
    }

    /**
     * An engine-made event's lead: the one its lead lives on in, with the tombstones on the way (one
     * of them may have applied the event before a fold moved its lead).
     */
    private static BatchIdentities.Resolution systemResolution(String id, Map<String, LeadStore.Versioned> read) {
        Set<String> earlier = new LinkedHashSet<>();
        String current = id;
        for (int hop = 0; hop < 10 && read.containsKey(current) && read.get(current).profile().mergedInto() != null; hop++) {
            earlier.add(current);
            current = read.get(current).profile().mergedInto();
        }
        return new BatchIdentities.Resolution(current, List.of(), earlier);
    }

    /** The profiles read for this batch, as identity resolution sees them. */
    private record StoredLeads(Map<String, LeadStore.Versioned> read) implements BatchIdentities.Leads {
        public boolean exists(String leadId) {
            return read.containsKey(leadId);
        }

        public boolean isAnonymous(String leadId) {
            return !read.containsKey(leadId) || read.get(leadId).profile().isAnonymous();
        }

        public String mergedInto(String leadId) {
            return read.containsKey(leadId) ? read.get(leadId).profile().mergedInto() : null;
        }

        public boolean absorbed(String leadId, String other) {
            return read.containsKey(leadId) && read.get(leadId).profile().mergedLeads().contains(other);
        }

        public java.time.Instant firstSeen(String leadId) {
            return read.containsKey(leadId) ? read.get(leadId).profile().firstSeen() : null;
        }
    }

    /** Message ids of this batch that an earlier batch already stored. */
    private Set<String> alreadyStored(List<Incoming> all) throws IOException {
        Set<String> stored = new HashSet<>();
        if (all.isEmpty()) {
            return stored;
        }
        MgetResponse<ObjectNode> response = client.mget(m -> {
            for (Incoming in : all) {
                m.docs(d -> d.index(indices.events(in.event().timestamp())).id(in.event().messageId()).source(s -> s.fetch(false)));
            }
            return m;
        }, ObjectNode.class);
        for (MultiGetResponseItem<ObjectNode> item : response.docs()) {
            if (item.isFailure()) {
                if ("index_not_found_exception".equals(item.failure().error().type())) {
                    continue;
                }
                throw new IOException("checking stored events failed: " + item.failure().error().reason());
            }
            if (item.result().found()) {
                stored.add(item.result().id());
            }
        }
        return stored;
    }

    private void writeEvents(List<Incoming> fresh, Map<String, ObjectNode> docs) throws IOException {
        List<BulkOperation> operations = new ArrayList<>();
        for (Incoming in : fresh) {
            ObjectNode doc = docs.get(in.event().messageId());
            operations.add(BulkOperation.of(o -> o.index(i -> i.index(indices.events(in.event().timestamp()))
                    .id(in.event().messageId()).document(doc))));
        }
        BulkResponse response = client.bulk(b -> b.operations(operations));
        if (!response.errors()) {
            return;
        }
        for (int n = 0; n < response.items().size(); n++) {
            BulkResponseItem item = response.items().get(n);
            if (item.error() == null) {
                continue;
            }
            // A document Elasticsearch rejects as such (e.g. a property of a conflicting type) will never
            // be accepted: it goes to the dead-letter topic instead of blocking the partition.
            if (item.status() == 400) {
                deadLetters.send(fresh.get(n).record(), "rejected by Elasticsearch: " + item.error().reason());
            } else {
                throw new IOException("writing event " + item.id() + " failed (" + item.status() + "): " + item.error().reason());
            }
        }
    }
}
