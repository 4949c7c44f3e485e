package dev.baton.engine.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.Connector;
import dev.baton.connectors.SendResult;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Sends what {@link AudienceSends} published, a poll at a time: per channel and template, the
 * poll's leads, their earlier deliveries and the guards are read in a handful of requests, the
 * claims and the outcomes written in one bulk each. A send whose delivery is already recorded
 * (the batch published again after a crash) is not sent again; one deferred by quiet hours is
 * recorded as deferred and published again by {@link DeferredSends} when morning comes where the
 * lead lives. A provider that cannot take messages right now fails the poll after recording what
 * went out: Kafka hands it over again with backoff, and only the sends without an outcome go. A
 * claim without an outcome is another worker's send in progress for {@code baton.broadcasts.in-flight}
 * (2 minutes), then abandoned
 * (its node died mid-send): email is sent again (same Message-ID), SMS recorded as unconfirmed.
 */
@Component
class AudienceSendWorker {
    private static final Logger log = LoggerFactory.getLogger(AudienceSendWorker.class);
    private final List<ChannelWorker> channels;
    private final LeadStore leads;
    private final DeliveryLog deliveries;
    private final SendGuards guards;
    private final EngineEvents events;
    private final ObjectMapper json;
    private final Clock clock;
    /** How long a claim may be another worker's send in progress before it counts as abandoned. */
    private final java.time.Duration inFlight;

    AudienceSendWorker(List<ChannelWorker> channels, LeadStore leads, DeliveryLog deliveries, SendGuards guards,
                       EngineEvents events, ObjectMapper json, Clock clock,
                       @org.springframework.beans.factory.annotation.Value("${baton.broadcasts.in-flight:2m}")
                       java.time.Duration inFlight) {
        this.inFlight = inFlight;
        this.channels = channels;
        this.leads = leads;
        this.deliveries = deliveries;
        this.guards = guards;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @KafkaListener(id = "baton-sends", topics = "${baton.kafka.sends-topic:${baton.kafka.events-topic}.sends}",
            groupId = "${baton.kafka.sends-group:${spring.kafka.consumer.group-id}-sends}", batch = "true",
            containerFactory = "eventsListenerFactory", autoStartup = "${baton.workers.enabled:true}")
    void onSends(List<ConsumerRecord<String, String>> records) throws IOException {
        List<List<AudienceSends.AudienceSend>> rounds = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            AudienceSends.AudienceSend send;
            try {
                send = json.readValue(record.value(), AudienceSends.AudienceSend.class);
            } catch (IOException e) {
                log.error("Unreadable audience send at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                continue;
            }
            placeInRound(rounds, send);
        }
        boolean retry = false;
        for (List<AudienceSends.AudienceSend> round : rounds) {
            Map<String, List<AudienceSends.AudienceSend>> byTemplate = new LinkedHashMap<>();
            round.forEach(send -> byTemplate.computeIfAbsent(send.channel() + "\n" + send.template(), k -> new ArrayList<>())
                    .add(send));
            for (List<AudienceSends.AudienceSend> group : byTemplate.values()) {
                retry |= sendAll(group);
            }
        }
        if (retry) {
            throw new IOException("the provider could not take every message now; the rest go when Kafka hands the poll"
                    + " over again");
        }
    }

    /**
     * Each round holds a lead at most once, so a lead's second send in a poll (another template,
     * another broadcast) is judged after its first is recorded: the frequency cap sees it.
     */
    private static void placeInRound(List<List<AudienceSends.AudienceSend>> rounds, AudienceSends.AudienceSend send) {
        for (List<AudienceSends.AudienceSend> round : rounds) {
            if (round.stream().noneMatch(other -> other.leadId().equals(send.leadId()))) {
                round.add(send);
                return;
            }
        }
        rounds.add(new ArrayList<>(List.of(send)));
    }

    /** One channel and template. True when some sends must wait for a retry of the poll. */
    private boolean sendAll(List<AudienceSends.AudienceSend> group) throws IOException {
        String channel = group.get(0).channel();
        String template = group.get(0).template();
        ChannelWorker worker = AudienceSends.marketing(channels, channel);
        Instant now = clock.instant();
        long started = System.nanoTime();
        if (worker == null || worker.templateProblem(template) != null) {
            log.error("{} audience send(s) of {} template '{}' skipped: {}", group.size(), channel, template,
                    worker == null ? "no such channel" : worker.templateProblem(template));
            return false;
        }
        Map<String, AudienceSends.AudienceSend> byKey = new LinkedHashMap<>();
        group.forEach(send -> byKey.put(send.key(), send));
        Map<String, DeliveryLog.Stored> earlier = deliveries.getAll(byKey.keySet());
        boolean waiting = false;
        List<DeliveryLog.Delivery> outcomes = new ArrayList<>();
        List<AudienceSends.AudienceSend> toJudge = new ArrayList<>();
        List<DeliveryLog.Delivery> toResend = new ArrayList<>();
        for (AudienceSends.AudienceSend send : byKey.values()) {
            DeliveryLog.Stored stored = earlier.get(send.key());
            if (stored == null || "deferred".equals(stored.delivery().state())
                    && !stored.delivery().notBefore().isAfter(now)) {
                toJudge.add(send);
            } else if ("sending".equals(stored.delivery().state())) {
                if (stored.delivery().claimedAt().isAfter(now.minus(inFlight))) {
                    // Another worker may be sending it right now (the poll was handed over while it worked):
                    // this poll is tried again later, by when that attempt has recorded how it went.
                    waiting = true;
                    continue;
                }
                // An attempt claimed it and never recorded how it went (its node died mid-send).
                if (worker.resendWhenOutcomeUnknown()) {
                    toResend.add(stored.delivery());
                } else {
                    outcomes.add(stored.delivery().with("unconfirmed", null, "outcome of the first attempt unknown", now));
                }
            }
        }
        Map<String, LeadProfile> profiles = leads.readAll(toJudge.stream().map(AudienceSends.AudienceSend::leadId)
                .distinct().toList());
        List<SendGuards.Candidate> candidates = new ArrayList<>();
        List<DeliveryLog.Delivery> claims = new ArrayList<>(toResend);
        for (AudienceSends.AudienceSend send : toJudge) {
            LeadProfile lead = profiles.get(send.leadId());
            String to = lead == null ? null : worker.addressOf(lead, null);
            DeliveryLog.Delivery delivery = new DeliveryLog.Delivery(send.key(), channel, send.leadId(), to, template,
                    "sending", null, null, now, null, false, null, send.batch(), null);
            if (lead == null) {
                outcomes.add(delivery.with("skipped", null, "no such lead (merged or erased since)", now));
            } else if (to == null) {
                outcomes.add(delivery.with("skipped", null, "no " + channel + " address", now));
            } else if (worker.connector() == null) {
                outcomes.add(delivery.with("blocked", null, "no " + channel + " provider is configured", now));
            } else {
                candidates.add(new SendGuards.Candidate(lead, to));
            }
        }
        long read = System.nanoTime();
        Map<String, SendGuards.Verdict> verdicts = guards.checkMarketing(channel, template, candidates, now);
        long judged = System.nanoTime();
        Map<String, AudienceSends.AudienceSend> byLead = new LinkedHashMap<>();
        toJudge.forEach(send -> byLead.put(send.leadId(), send)); // a lead once per round
        for (SendGuards.Candidate candidate : candidates) {
            AudienceSends.AudienceSend send = byLead.get(candidate.lead().id());
            DeliveryLog.Delivery delivery = new DeliveryLog.Delivery(send.key(), channel, send.leadId(), candidate.address(),
                    template, "sending", null, null, now, null, false, null, send.batch(), null);
            SendGuards.Verdict verdict = verdicts.get(candidate.lead().id());
            if (verdict.blockedBecause() != null) {
                outcomes.add(delivery.with("blocked", null, verdict.blockedBecause(), now));
            } else if (verdict.notBefore() != null) {
                outcomes.add(delivery.deferredUntil(verdict.notBefore()));
            } else {
                claims.add(delivery);
            }
        }
        // Outcomes of sends not made (blocked, deferred, skipped) are written conditionally like claims:
        // a deferred send written by this poll must not undo one another worker has just sent.
        Set<String> recordedWithoutSending = deliveries.claimAll(outcomes, earlier);
        Set<String> won = deliveries.claimAll(claims, earlier);
        List<DeliveryLog.Delivery> results = new ArrayList<>();
        List<EngineEvents.EngineEvent> feedback = new ArrayList<>();
        Set<String> release = new HashSet<>();
        boolean retry = waiting;
        Connector connector = worker.connector();
        List<DeliveryLog.Delivery> sending = claims.stream().filter(claim -> won.contains(claim.key())).toList();
        List<dev.baton.connectors.OutboundMessage> messages = new ArrayList<>(sending.size());
        for (DeliveryLog.Delivery claim : sending) {
            LeadProfile lead = profiles.containsKey(claim.leadId()) ? profiles.get(claim.leadId()) : leads.get(claim.leadId());
            messages.add(worker.compose(claim.key(), lead, claim.to(), template, null));
        }
        long claimed = System.nanoTime();
        List<SendResult> sent = messages.isEmpty() ? List.of() : connector.sendAll(messages);
        long delivered = System.nanoTime();
        Instant at = clock.instant();
        for (int i = 0; i < sending.size(); i++) {
            DeliveryLog.Delivery claim = sending.get(i);
            SendResult result = sent.get(i);
            switch (result.status()) {
                case SENT -> {
                    results.add(claim.with("sent", result.providerId(), null, at));
                    feedback.add(event(worker, claim, " Sent", at, Map.of("template", template, "messageId",
                            result.providerId(), "broadcast", claim.batch())));
                }
                case UNDELIVERABLE -> {
                    results.add(claim.with("bounced", null, result.reason(), at));
                    guards.markBounced(channel, claim.to(), claim.leadId(), at);
                    feedback.add(event(worker, claim, " Bounced", at, Map.of("template", template, "to", claim.to(),
                            "reason", result.reason())));
                }
                case PERMANENT -> {
                    results.add(claim.with("failed", null, result.reason(), at));
                    feedback.add(event(worker, claim, " Failed", at, Map.of("template", template, "reason", result.reason())));
                }
                case RETRYABLE -> {
                    release.add(claim.key());
                    retry = true;
                }
                case UNKNOWN -> {
                    retry = true; // email: sent again (same Message-ID); SMS: the claim stays, the retry records it unconfirmed
                    if (worker.resendWhenOutcomeUnknown()) {
                        release.add(claim.key());
                    }
                }
            }
        }
        if (retry) {
            log.warn("{} provider could not take {} of {} message(s) now ({}); they go when the poll is handed over again",
                    worker.label(), sending.size() - results.size(), sending.size(), sent.stream()
                            .filter(r -> r.status() == SendResult.Status.RETRYABLE || r.status() == SendResult.Status.UNKNOWN)
                            .map(SendResult::reason).findFirst().orElse(""));
        }
        deliveries.recordAll(results);
        deliveries.releaseAll(release);
        long recorded = System.nanoTime();
        events.publish(feedback);
        if (log.isDebugEnabled()) {
            log.debug("Audience sends, {} '{}': {} sent, {} not sent (blocked, deferred, skipped), {} already handled, in {} ms"
                            + " (read {}, guards {}, claims {}, provider {}, record {}, events {})", worker.label(), template,
                    results.stream().filter(d -> "sent".equals(d.state())).count(), recordedWithoutSending.size(),
                    group.size() - recordedWithoutSending.size() - won.size(), millis(started, System.nanoTime()),
                    millis(started, read), millis(read, judged), millis(judged, claimed), millis(claimed, delivered),
                    millis(delivered, recorded), millis(recorded, System.nanoTime()));
        }
        return retry;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static EngineEvents.EngineEvent event(ChannelWorker worker, DeliveryLog.Delivery delivery, String what,
                                                  Instant at, Map<String, ?> properties) {
        String name = worker.label() + what;
        return new EngineEvents.EngineEvent(delivery.leadId(), name,
                name.toLowerCase().replace(' ', '-') + ":" + delivery.key(), at, properties);
    }
}
