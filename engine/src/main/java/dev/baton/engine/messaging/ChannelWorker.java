package dev.baton.engine.messaging;

import dev.baton.engine.journeys.TopicWorker;
import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadNotFoundException;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camunda external-task worker for one channel's "send template T" step. Every node runs one
 * per channel (fetch-and-lock shares the tasks out). For each task: the lead (the process's
 * business key) and its address; the {@link SendGuards} (opt-out, same template, frequency cap,
 * quiet hours; a transactional step only the opt-out and once per triggering event); the
 * idempotency key (the task's id) claimed in the delivery log before the provider is called, so a
 * retry never sends twice; provider failures retried with doubling backoff, then an incident in
 * Cockpit.
 *
 * <p>The step's inputs: {@code template}, and {@code transactional} ({@code true} for an answer to
 * the lead's own action; marketing otherwise). The event a transactional step answers is the
 * process variable {@code triggerMessageId} (the message that started the journey), else the
 * process instance. Its output: {@code <channel>Status} = sent | skipped
 * (no address) | blocked (a guard, reason in {@code <channel>Blocked}) | unconfirmed | failed.
 * Feedback events on the lead: {@code <Label> Sent}, {@code <Label> Failed}.
 */
abstract class ChannelWorker extends TopicWorker<ChannelWorker.Batch> {
    private static final Logger log = LoggerFactory.getLogger(ChannelWorker.class);
    private final LeadStore leads;
    private final DeliveryLog deliveries;
    private final SendGuards guards;
    private final EngineEvents events;
    private final Clock clock;

    ChannelWorker(ExternalTaskService tasks, LeadStore leads, DeliveryLog deliveries, SendGuards guards,
                  EngineEvents events, Clock clock, Workers settings) {
        super(tasks, settings);
        this.leads = leads;
        this.deliveries = deliveries;
        this.guards = guards;
        this.events = events;
        this.clock = clock;
    }

    /** A send waits on I/O (lead, guards, provider, delivery log): several leads' sends go at once. */
    @Override
    protected boolean inLanes() {
        return true;
    }

    /**
     * What a fetched batch of sends shares: its leads, read at once, and the leads whose sends
     * were recorded but are not searchable yet. A send's record is not refreshed one by one (a
     * refresh per send held each lane to about two sends a second); the delivery log is refreshed
     * once when the batch is done, or before the guards look at a lead the batch already sent to.
     */
    static final class Batch {
        private final Map<String, LeadProfile> leads;
        private final Set<String> unseenSends = ConcurrentHashMap.newKeySet();

        Batch(Map<String, LeadProfile> leads) {
            this.leads = leads;
        }
    }

    /**
     * The batch's leads, by business key, in one request: a journey started under a visitor id
     * and one under the lead's own id are the same person. A key the leads index does not hold
     * as a live lead (a visitor merged away since, an email) is resolved on its own.
     */
    @Override
    protected Batch prepare(List<LockedExternalTask> batch) {
        Set<String> keys = new HashSet<>();
        batch.forEach(task -> {
            if (task.getBusinessKey() != null) {
                keys.add(task.getBusinessKey());
            }
        });
        Map<String, LeadProfile> byKey = new HashMap<>(leads.readAll(keys));
        for (String key : keys) {
            if (!byKey.containsKey(key)) {
                try {
                    byKey.put(key, leads.get(key));
                } catch (LeadNotFoundException e) {
                    // handle() fails its tasks, saying so
                }
            }
        }
        return new Batch(byKey);
    }

    /** One lane per person: the guards must see one person's sends one after the other. */
    @Override
    protected String laneOf(LockedExternalTask task, Batch batch) {
        LeadProfile lead = batch == null ? null : batch.leads.get(task.getBusinessKey());
        return lead == null ? "unknown:" + task.getBusinessKey() : lead.id();
    }

    /** The batch's sends searchable before the next poll (the guards of its sends count them). */
    @Override
    protected void done(Batch batch) {
        if (batch != null && !batch.unseenSends.isEmpty()) {
            deliveries.refresh();
        }
    }

    /** "email", "sms": the suppression and delivery-log channel. */
    abstract String channel();

    /** "Email", "SMS": how feedback events are named. */
    abstract String label();

    /** Why the template cannot be used, or null when it can. */
    abstract String templateProblem(String template);

    /** The external-task topic of the steps this worker does (for this package's journey check). */
    final String stepTopic() {
        return topic();
    }

    /** The lead's address on this channel, or null. */
    abstract String addressOf(LeadProfile lead, LockedExternalTask task);

    abstract OutboundMessage compose(String key, LeadProfile lead, String address, String template, LockedExternalTask task);

    /** The provider, or null when none is configured (sends are then blocked, with that reason). */
    abstract Connector connector();

    Connector connector(LockedExternalTask task) {
        return connector();
    }

    /**
     * Whether to send again when an earlier attempt claimed the key and never finished (it may
     * or may not have reached the provider): true for SMTP (same Message-ID), false for APIs
     * that are not idempotent (the send is recorded as unconfirmed instead).
     */
    abstract boolean resendWhenOutcomeUnknown();

    /** Whether the {@link SendGuards} apply (marketing messages); a task for sales is not marketing. */
    boolean guarded() {
        return true;
    }

    @Override
    protected void handle(LockedExternalTask task, Batch batch) throws IOException {
        String template = String.valueOf(task.getVariables().get("template"));
        String problem = templateProblem(template);
        if (problem != null) {
            fail(task, problem, false);
            return;
        }
        LeadProfile lead = batch == null ? null : batch.leads.get(task.getBusinessKey());
        try {
            lead = lead != null ? lead : leads.get(task.getBusinessKey());
        } catch (LeadNotFoundException e) {
            // Retried, not an incident at once: a lead's first batch publishes its tier change (which can
            // start this step) before it writes the lead, so a brand-new lead may not be readable yet.
            fail(task, "the journey's business key '" + task.getBusinessKey() + "' is no lead Baton knows (yet)", true);
            return;
        }
        String to = addressOf(lead, task);
        if (to == null) {
            log.info("{} {} to lead {} skipped: no {} address", label(), template, lead.id(), channel());
            complete(task, Map.of(status(), "skipped", channel() + "Skipped", "no address"));
            return;
        }
        String key = channel() + ":" + task.getId();
        Instant now = clock.instant();
        SendGuards.Purpose purpose = purposeOf(task);
        var sending = new DeliveryLog.Delivery(key, channel(), lead.id(), to, template, "sending", null, null, now, null,
                purpose.transactional(), purpose.trigger(), null, null);
        DeliveryLog.Delivery earlier = deliveries.get(key);
        if (batch != null && batch.unseenSends.remove(lead.id())) {
            deliveries.refresh(); // this batch sent to the lead already: the guards must count it
        }
        if (earlier == null) {
            String refusal = connector(task) == null ? "no " + channel() + " provider is configured" : null;
            SendGuards.Verdict verdict = refusal != null ? new SendGuards.Verdict(refusal, null)
                    : guarded() ? guards.check(channel(), lead, to, template, purpose, now) : new SendGuards.Verdict(null, null);
            if (verdict.blockedBecause() != null) {
                block(task, sending.with("blocked", null, verdict.blockedBecause(), null));
                return;
            }
            if (verdict.notBefore() != null) {
                defer(task, verdict.notBefore(), now);
                return;
            }
        }
        var claimed = deliveries.claim(sending);
        if (claimed.isPresent() && !resumeAfter(claimed.get(), task, key)) {
            return;
        }
        SendResult result = connector(task).send(compose(key, lead, to, template, task));
        switch (result.status()) {
            case SENT -> {
                record(sending.with("sent", result.providerId(), null, clock.instant()), batch);
                finish(task, lead.id(), "sent", label() + " Sent", sentProperties(template, result.providerId(), task));
            }
            case RETRYABLE -> {
                deliveries.release(key);
                fail(task, result.reason(), true);
            }
            case UNDELIVERABLE -> {
                // A bounce is the lead's address, not an operator's problem: mark it, and the journey goes on.
                log.info("{} {} to lead {} bounced: {}", label(), template, lead.id(), result.reason());
                record(sending.with("bounced", null, result.reason(), clock.instant()), batch);
                guards.markBounced(channel(), to, lead.id(), clock.instant());
                finish(task, lead.id(), "bounced", label() + " Bounced",
                        Map.of("template", template, "to", to, "reason", result.reason()));
            }
            case UNKNOWN -> {
                if (!resendWhenOutcomeUnknown()) {
                    fail(task, result.reason(), true); // the claim stays: the retry records it unconfirmed, never resends
                } else {
                    deliveries.release(key);
                    fail(task, result.reason(), true);
                }
            }
            case PERMANENT -> {
                record(sending.with("failed", null, result.reason(), clock.instant()), batch);
                events.publish(List.of(new EngineEvents.EngineEvent(lead.id(), label() + " Failed",
                        channel() + "-failed:" + task.getId(), clock.instant(),
                        Map.of("template", template, "reason", result.reason()))));
                fail(task, result.reason(), false);
            }
        }
    }

    /**
     * A send's outcome, searchable by the end of its batch; at once when there is no batch (its
     * read-ahead failed) and the guards count it. A CRM task, which no guard counts, never waits.
     * Until then, guards of other workers and nodes do not count the send (a second or two; before,
     * as long as the send itself took): their checks and this send were never atomic.
     */
    private void record(DeliveryLog.Delivery outcome, Batch batch) {
        boolean now = guarded() && batch == null;
        deliveries.record(outcome, now);
        if (guarded() && batch != null && "sent".equals(outcome.state())) {
            batch.unseenSends.add(outcome.leadId()); // the guards count sends only
        }
    }

    /**
     * Marketing unless the step says {@code transactional}; a transactional send answers the event
     * that started the journey, or failing that (journeys started before it was recorded) the
     * journey itself, so a retried task or a replayed event never sends it twice.
     */
    private static SendGuards.Purpose purposeOf(LockedExternalTask task) {
        if (!Boolean.parseBoolean(String.valueOf(task.getVariables().get("transactional")))) {
            return SendGuards.Purpose.MARKETING;
        }
        Object trigger = task.getVariables().get("triggerMessageId");
        return SendGuards.Purpose.answering(trigger != null ? trigger.toString() : task.getProcessInstanceId());
    }

    /** An earlier attempt claimed the key. True when this one should send anyway. */
    private boolean resumeAfter(DeliveryLog.Delivery earlier, LockedExternalTask task, String key) throws IOException {
        switch (earlier.state()) {
            case "sent" -> {
                log.info("{} {} to lead {} was sent by an earlier attempt; finishing the task only", label(), key,
                        earlier.leadId());
                finish(task, earlier.leadId(), "sent", label() + " Sent",
                        sentProperties(earlier.template(), earlier.providerId(), task));
                return false;
            }
            case "failed" -> {
                fail(task, earlier.reason(), false);
                return false;
            }
            case "unconfirmed" -> {
                complete(task, Map.of(status(), "unconfirmed"));
                return false;
            }
            default -> {
                if (resendWhenOutcomeUnknown()) {
                    log.warn("{} {} was claimed by an attempt that did not finish; sending again", label(), key);
                    return true;
                }
                log.warn("{} {} was claimed by an attempt that did not finish; the provider may have it: not sending"
                        + " again (recorded as unconfirmed; a delivery receipt will tell)", label(), key);
                deliveries.record(earlier.with("unconfirmed", null, "outcome of the first attempt unknown", clock.instant()), guarded());
                complete(task, Map.of(status(), "unconfirmed"));
                return false;
            }
        }
    }

    private String status() {
        return channel() + "Status";
    }

    private static Map<String, Object> sentProperties(String template, String providerId, LockedExternalTask task) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("template", template);
        properties.put("messageId", providerId);
        properties.put("journey", task.getProcessDefinitionKey());
        return properties;
    }

    /** What a template sees: the lead's traits, and its id, tier, score and tags. */
    static Map<String, Object> variables(LeadProfile lead) {
        Map<String, Object> variables = new HashMap<>(lead.traits());
        variables.put("leadId", lead.id());
        variables.put("tier", lead.tier());
        variables.put("score", lead.score());
        variables.put("tags", lead.tags());
        return variables;
    }

    /** A guard said no: recorded in the delivery log with why; the journey goes on (status blocked). */
    private void block(LockedExternalTask task, DeliveryLog.Delivery blocked) {
        log.info("{} {} to lead {} blocked: {}", label(), blocked.template(), blocked.leadId(), blocked.reason());
        deliveries.record(blocked);
        complete(task, Map.of(status(), "blocked", channel() + "Blocked", blocked.reason()));
    }

    /** Quiet hours where the lead lives: the task rests until morning, its retries untouched. */
    private void defer(LockedExternalTask task, Instant notBefore, Instant now) {
        long wait = Math.max(1, Duration.between(now, notBefore).toMillis());
        log.info("{} task {} of lead {} waits for the end of quiet hours ({})", label(), task.getId(),
                task.getBusinessKey(), notBefore);
        postpone(task, "quiet hours until " + notBefore, wait);
    }

    private void finish(LockedExternalTask task, String leadId, String status, String event, Map<String, ?> properties)
            throws IOException {
        events.publish(List.of(new EngineEvents.EngineEvent(leadId, event, event.toLowerCase().replace(' ', '-') + ":"
                + task.getId(), clock.instant(), properties)));
        complete(task, Map.of(status(), status));
    }

    /**
     * Completes the task with the lead's tier as it is now. A lead can turn hot while its send is
     * in flight: the "Tier Changed to hot" signal then finds no journey step waiting yet (the next
     * step starts only as this task completes), so the journey learns the tier here instead and
     * branches on it (nurture's "hot already?").
     */
    @Override
    protected void complete(LockedExternalTask task, Map<String, ?> variables) {
        Map<String, Object> withTier = new java.util.HashMap<>(variables);
        try {
            String tier = leads.get(task.getBusinessKey()).tier();
            if (tier != null) {
                withTier.put("tier", tier);
            }
        } catch (RuntimeException e) {
            log.debug("Tier of {} not read at completion: {}", task.getBusinessKey(), e.getMessage());
        }
        super.complete(task, withTier);
    }
}
