package dev.baton.engine.messaging;

import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.email.EmailComposer;
import dev.baton.connectors.email.SmtpEmailConnector;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.time.Clock;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.springframework.stereotype.Component;

/**
 * The worker for topic {@code send-email} ("send email template T"): templates from
 * {@link EmailTemplates}, tracked links and unsubscribe by {@link EmailComposer}, SMTP. A send
 * whose first attempt died mid-way is sent again: the Message-ID is the same, so receivers see
 * one message.
 */
@Component
class EmailWorker extends ChannelWorker {
    static final String LABEL = "Email";
    private final EmailTemplates templates;
    private final EmailComposer composer;
    private final SmtpEmailConnector smtp;

    EmailWorker(ExternalTaskService tasks, LeadStore leads, EmailTemplates templates, EmailComposer composer,
                SmtpEmailConnector smtp, DeliveryLog deliveries, SendGuards guards, EngineEvents events, Clock clock, Workers workers) {
        super(tasks, leads, deliveries, guards, events, clock, workers);
        this.templates = templates;
        this.composer = composer;
        this.smtp = smtp;
    }

    @Override
    protected String topic() {
        return "send-email";
    }

    @Override
    String channel() {
        return "email";
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    String templateProblem(String template) {
        return templates.get(template) == null
                ? "no email template named '" + template + "' (known: " + templates.names() + ")" : null;
    }

    @Override
    String addressOf(LeadProfile lead, LockedExternalTask task) {
        return lead.emails().isEmpty() ? null : lead.emails().iterator().next();
    }

    @Override
    OutboundMessage compose(String key, LeadProfile lead, String address, String template, LockedExternalTask task) {
        return composer.compose(key, lead.id(), address, templates.get(template), variables(lead));
    }

    @Override
    Connector connector() {
        return smtp;
    }

    @Override
    boolean resendWhenOutcomeUnknown() {
        return true;
    }
}
