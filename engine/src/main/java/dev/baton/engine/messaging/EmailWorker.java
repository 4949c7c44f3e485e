package dev.baton.engine.email;

import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import dev.baton.connectors.email.EmailComposer;
import dev.baton.connectors.email.EmailTemplate;
import dev.baton.connectors.email.SmtpEmailConnector;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadNotFoundException;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The Camunda external-task worker for topic {@code send-email}: a journey's "send email
 * template T" step. Every node runs one (fetch-and-lock shares the tasks out). For each task: the
 * lead (the process's business key) and its address; the {@link SendGuards} (opt-out, same
 * template, frequency cap, quiet hours); the idempotency key (the task's id) claimed before sending, so a retry never sends twice;
 * provider failures retried with exponential backoff, then an incident in Cockpit.
 *
 * <p>The step's input: {@code template} (a name from {@link EmailTemplates}). Its output:
 * {@code emailStatus} = sent | skipped (no address) | blocked (a guard, reason in {@code emailBlocked}) | failed. Feedback events on the
 * lead: Email Sent, Email Failed.
 */
@Component
public class EmailWorker {
    public static final String TOPIC = "send-email";
    private static final Logger log = LoggerFactory.getLogger(EmailWorker.class);
    private final ExternalTaskService tasks;
    private final LeadStore leads;
    private final EmailTemplates templates;
    private final EmailComposer composer;
    private final SmtpEmailConnector smtp;
    private final DeliveryLog deliveries;
    private final SendGuards guards;
    private final EngineEvents events;
    private final Clock clock;
    private final String workerId;
    private final int maxRetries;
    private final Duration firstBackoff;
    private final Duration lock;

    EmailWorker(ExternalTaskService tasks, LeadStore leads, EmailTemplates templates, EmailComposer composer,
                SmtpEmailConnector smtp, DeliveryLog deliveries, SendGuards guards, EngineEvents events,
                Clock clock,
                @Value("${baton.workers.max-retries:5}") int maxRetries,
                @Value("${baton.workers.first-backoff:10s}") Duration firstBackoff,
                @Value("${baton.workers.lock:60s}") Duration lock) {
        this.tasks = tasks;
        this.leads = leads;
        this.templates = templates;
        this.composer = composer;
        this.smtp = smtp;
        this.deliveries = deliveries;
        this.guards = guards;
        this.events = events;
        this.clock = clock;
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.lock = lock;
        this.workerId = "baton-email@" + ProcessHandle.current().pid() + "-" + Integer.toHexString(System.identityHashCode(this));
    }

    @Scheduled(fixedDelayString = "${baton.workers.poll-interval:500ms}")
    void poll() {
        List<LockedExternalTask> locked;
        try {
            locked = tasks.fetchAndLock(10, workerId).topic(TOPIC, lock.toMillis()).execute();
        } catch (RuntimeException e) {
            log.warn("Fetching {} tasks failed, will try again: {}", TOPIC, e.getMessage());
            return;
        }
        for (LockedExternalTask task : locked) {
            try {
                handle(task);
            } catch (RuntimeException | IOException e) {
                // Elasticsearch or Kafka away: retry like a provider failure (the claim tells a retry what happened).
                fail(task, "could not finish: " + e.getMessage(), true);
            }
        }
    }

    private void handle(LockedExternalTask task) throws IOException {
        String leadId = task.getBusinessKey();
        String templateName = String.valueOf(task.getVariables().get("template"));
        EmailTemplate template = templates.get(templateName);
        if (template == null) {
            fail(task, "no email template named '" + templateName + "' (known: " + templates.names() + ")", false);
            return;
        }
        LeadProfile lead;
        try {
            lead = leads.get(leadId);
        } catch (LeadNotFoundException e) {
            fail(task, "the journey's business key '" + leadId + "' is no lead Baton knows", false);
            return;
        }
        if (lead.emails().isEmpty()) {
            skip(task, lead.id(), templateName, "no email address");
            return;
        }
        String to = lead.emails().iterator().next();
        String key = "email:" + task.getId();
        Instant now = clock.instant();
        DeliveryLog.Delivery earlierAttempt = deliveries.get(key);
        if (earlierAttempt == null) {
            SendGuards.Verdict verdict = guards.check("email", lead, to, templateName, now);
            if (verdict.blockedBecause() != null) {
                block(task, new DeliveryLog.Delivery(key, "email", lead.id(), to, templateName, "blocked", null,
                        verdict.blockedBecause(), now, null));
                return;
            }
            if (verdict.notBefore() != null) {
                defer(task, verdict.notBefore(), now);
                return;
            }
        }
        var claimed = deliveries.claim(new DeliveryLog.Delivery(key, "email", lead.id(), to, templateName, "sending",
                null, null, now, null));
        if (claimed.isPresent()) {
            DeliveryLog.Delivery earlier = claimed.get();
            if ("sent".equals(earlier.state())) {
                log.info("Email {} to lead {} was sent by an earlier attempt; finishing the task only", key, lead.id());
                finish(task, lead.id(), "sent", "Email Sent", sentProperties(templateName, earlier.providerId(), task));
                return;
            }
            if ("failed".equals(earlier.state())) {
                fail(task, earlier.reason(), false);
                return;
            }
            // Still "sending": an attempt died mid-send. SMTP re-sends under the same Message-ID.
            log.warn("Email {} was claimed by an attempt that did not finish; sending again with the same Message-ID", key);
        }
        OutboundMessage message = composer.compose(key, lead.id(), to, template, variables(lead));
        SendResult result = smtp.send(message);
        switch (result.status()) {
            case SENT -> {
                deliveries.record(new DeliveryLog.Delivery(key, "email", lead.id(), to, templateName, "sent",
                        result.providerId(), null, now, clock.instant()));
                finish(task, lead.id(), "sent", "Email Sent", sentProperties(templateName, result.providerId(), task));
            }
            case RETRYABLE -> {
                deliveries.release(key);
                fail(task, result.reason(), true);
            }
            case PERMANENT -> {
                deliveries.record(new DeliveryLog.Delivery(key, "email", lead.id(), to, templateName, "failed",
                        null, result.reason(), now, clock.instant()));
                events.publish(List.of(new EngineEvents.EngineEvent(lead.id(), "Email Failed", "email-failed:" + task.getId(),
                        clock.instant(), Map.of("template", templateName, "reason", result.reason()))));
                fail(task, result.reason(), false);
            }
        }
    }

    private static Map<String, Object> sentProperties(String template, String providerId, LockedExternalTask task) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("template", template);
        properties.put("messageId", providerId);
        properties.put("journey", task.getProcessDefinitionKey());
        return properties;
    }

    /** What a template sees: the lead's traits, and its id, tier, score and tags. */
    private static Map<String, Object> variables(LeadProfile lead) {
        Map<String, Object> variables = new HashMap<>(lead.traits());
        variables.put("leadId", lead.id());
        variables.put("tier", lead.tier());
        variables.put("score", lead.score());
        variables.put("tags", lead.tags());
        return variables;
    }

    /** Nothing to send (no address): the journey goes on, told by emailStatus = skipped. */
    private void skip(LockedExternalTask task, String leadId, String template, String reason) {
        log.info("Email {} to lead {} skipped: {}", template, leadId, reason);
        tasks.complete(task.getId(), workerId, Map.of("emailStatus", "skipped", "emailSkipped", reason));
    }

    /** A guard said no: recorded in the delivery log with why; the journey goes on (emailStatus = blocked). */
    private void block(LockedExternalTask task, DeliveryLog.Delivery blocked) {
        log.info("Email {} to lead {} blocked: {}", blocked.template(), blocked.leadId(), blocked.reason());
        deliveries.record(blocked);
        tasks.complete(task.getId(), workerId, Map.of("emailStatus", "blocked", "emailBlocked", blocked.reason()));
    }

    /** Quiet hours where the lead lives: the task rests until morning, its retries untouched. */
    private void defer(LockedExternalTask task, Instant notBefore, Instant now) {
        long wait = Math.max(1, Duration.between(now, notBefore).toMillis());
        log.info("Email task {} of lead {} waits for the end of quiet hours ({})", task.getId(), task.getBusinessKey(), notBefore);
        int retries = task.getRetries() == null ? maxRetries : task.getRetries();
        tasks.handleFailure(task.getId(), workerId, "quiet hours until " + notBefore, null, retries, wait);
    }

    private void finish(LockedExternalTask task, String leadId, String status, String event, Map<String, ?> properties)
            throws IOException {
        events.publish(List.of(new EngineEvents.EngineEvent(leadId, event, event.toLowerCase().replace(' ', '-') + ":"
                + task.getId(), clock.instant(), properties)));
        tasks.complete(task.getId(), workerId, Map.of("emailStatus", status));
    }

    /**
     * A failed attempt: retried with exponential backoff while retries last (Camunda shows the
     * count), an incident in Cockpit when they run out or the failure is permanent.
     */
    private void fail(LockedExternalTask task, String reason, boolean retryable) {
        int retriesLeft = retryable ? (task.getRetries() == null ? maxRetries : task.getRetries() - 1) : 0;
        int attempt = maxRetries - retriesLeft;
        long backoff = retriesLeft <= 0 ? 0 : firstBackoff.toMillis() << Math.min(Math.max(attempt - 1, 0), 10);
        log.warn("{} task {} of {} failed ({}), {}: {}", TOPIC, task.getId(), task.getBusinessKey(),
                retryable ? "retryable" : "permanent",
                retriesLeft > 0 ? retriesLeft + " retries left, next in " + backoff + " ms" : "incident raised", reason);
        try {
            tasks.handleFailure(task.getId(), workerId, truncate(reason), reason, Math.max(retriesLeft, 0), backoff);
        } catch (RuntimeException e) {
            log.warn("Could not report the failure of task {} (its lock will expire and it runs again): {}",
                    task.getId(), e.getMessage());
        }
    }

    private static String truncate(String reason) {
        String text = reason == null ? "unknown failure" : reason;
        return text.length() > 600 ? text.substring(0, 600) : text;
    }
}
