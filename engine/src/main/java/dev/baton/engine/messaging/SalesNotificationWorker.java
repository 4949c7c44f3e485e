package dev.baton.engine.messaging;

import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.email.SmtpEmailConnector;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The worker for topic {@code notify-sales}: tells a rep of a new lead ({@code lead-assigned}, by
 * email or, when the rep asked for it, SMS) and the managers of a missed SLA ({@code sla-missed})
 * or a queued lead ({@code lead-queued}), by email. The step's input {@code to} is {@code rep} or
 * {@code manager}; who that is comes from the assign step. Not marketing: no opt-out or quiet
 * hours, but the same idempotency (one notification per step, whatever the retries).
 */
@Component
class SalesNotificationWorker extends ChannelWorker {
    static final String LABEL = "Sales Notification";
    private static final Set<String> TEMPLATES = Set.of("lead-assigned", "sla-missed", "lead-queued");
    private final SmtpEmailConnector smtp;
    private final SmsWorker sms;
    private final String tasklistUrl;

    SalesNotificationWorker(ExternalTaskService tasks, LeadStore leads, DeliveryLog deliveries, SendGuards guards,
                            EngineEvents events, Clock clock, Workers workers, SmtpEmailConnector smtp, SmsWorker sms,
                            dev.baton.engine.sales.SalesProperties sales) {
        super(tasks, leads, deliveries, guards, events, clock, workers);
        this.smtp = smtp;
        this.sms = sms;
        this.tasklistUrl = sales.tasklistUrl();
    }

    @Override
    protected String topic() {
        return "notify-sales";
    }

    @Override
    String channel() {
        return "sales";
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    String templateProblem(String template) {
        return TEMPLATES.contains(template) ? null : "no sales notification named '" + template + "' (known: " + TEMPLATES + ")";
    }

    @Override
    boolean guarded() {
        return false;
    }

    @Override
    String addressOf(LeadProfile lead, LockedExternalTask task) {
        Map<String, Object> v = task.getVariables();
        if ("manager".equals(v.get("to"))) {
            return text(v.get("managerEmail"));
        }
        return bySms(v) ? text(v.get("repPhone")) : text(v.get("repEmail"));
    }

    @Override
    OutboundMessage compose(String key, LeadProfile lead, String address, String template, LockedExternalTask task) {
        Map<String, Object> v = task.getVariables();
        String who = String.valueOf(v.getOrDefault("leadName", lead.id()));
        Object due = v.get("slaDue");
        String subject = switch (template) {
            case "lead-assigned" -> "New " + lead.tier() + " lead for you: " + who;
            case "sla-missed" -> "SLA missed: " + who + " taken from " + v.get("previousRep")
                    + (v.get("rep") == null ? ", now in the queue" : ", now with " + v.get("repName"));
            default -> "Lead waiting in the queue: " + who;
        };
        if (bySms(v) && "rep".equals(v.get("to"))) {
            String text = subject + (due instanceof Date d ? ". Accept by " + d.toInstant() : "") + ". " + tasklistUrl;
            return new OutboundMessage(key, lead.id(), address, null, null, text, Map.of());
        }
        StringBuilder body = new StringBuilder(subject).append("\n\n");
        if (due instanceof Date d) {
            body.append("Accept, convert or reject by ").append(d.toInstant()).append(" (after that the lead goes to the next rep).\n\n");
        }
        if (v.get("assignReason") != null) {
            body.append("Assigned: ").append(v.get("assignReason")).append("\n");
        }
        body.append(text(v.get("whyHot")) == null ? "" : v.get("whyHot") + "\n");
        if (text(v.get("shareChain")) != null) {
            body.append("Brought by ").append(v.get("shareChain")).append("\n");
        }
        if (text(v.get("lastActivity")) != null) {
            body.append("\nLast activity:\n").append(v.get("lastActivity")).append("\n");
        }
        body.append("\nLead in Baton: ").append(lead.id()).append("\nYour tasks: ").append(tasklistUrl).append("\n");
        String html = "<pre>" + HtmlUtils.htmlEscape(body.toString()) + "</pre>";
        return new OutboundMessage(key, lead.id(), address, subject, html, body.toString(), Map.of());
    }

    @Override
    Connector connector() {
        return smtp;
    }

    @Override
    Connector connector(LockedExternalTask task) {
        return "rep".equals(task.getVariables().get("to")) && bySms(task.getVariables()) ? sms.connector() : smtp;
    }

    @Override
    boolean resendWhenOutcomeUnknown() {
        return false; // an SMS API is not idempotent; a second email is harmless but a doubt is recorded either way
    }

    private static boolean bySms(Map<String, Object> v) {
        return "sms".equals(v.get("repNotifyBy")) && text(v.get("repPhone")) != null;
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
