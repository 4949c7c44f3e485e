package dev.baton.engine.messaging;

import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import dev.baton.connectors.tasks.HubSpotTaskConnector;
import dev.baton.connectors.tasks.SalesTask;
import dev.baton.connectors.tasks.SalesTaskConnector;
import dev.baton.connectors.tasks.SalesforceTaskConnector;
import dev.baton.connectors.tasks.WebhookTaskConnector;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadExplanations;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.ExternalTaskService;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The worker for topic {@code create-sales-task}: the sales task for a hot lead, in Salesforce
 * (a Task on the lead's {@code salesforceId}), HubSpot (a task associated to its
 * {@code hubspotContactId}) or a signed webhook. The task tells the rep why the lead is in its
 * tier and what it did lately. Marketing guards do not apply; the idempotency key does (the CRM
 * APIs are not idempotent; the webhook is, by its id).
 */
@Component
@EnableConfigurationProperties(CrmProperties.class)
class SalesTaskWorker extends ChannelWorker {
    static final String LABEL = "Sales Task";
    private final CrmProperties crm;
    private final SalesTaskConnector target;
    private final LeadExplanations explanations;
    private final Clock clock;

    SalesTaskWorker(ExternalTaskService tasks, LeadStore leads, DeliveryLog deliveries, SendGuards guards,
                    EngineEvents events, Clock clock, CrmProperties crm, LeadExplanations explanations, Workers workers) {
        super(tasks, leads, deliveries, guards, events, clock, workers);
        this.crm = crm;
        this.explanations = explanations;
        this.clock = clock;
        HttpClient http = HttpClient.newBuilder().connectTimeout(crm.timeout()).build();
        this.target = switch (crm.provider()) {
            case "salesforce" -> new SalesforceTaskConnector(http, crm.salesforce().instanceUrl(),
                    crm.salesforce().accessToken(), crm.timeout());
            case "hubspot" -> new HubSpotTaskConnector(http, crm.hubspot().baseUrl(), crm.hubspot().token(), crm.timeout());
            case "webhook" -> new WebhookTaskConnector(http, crm.webhook().url(), crm.webhook().secret(), crm.timeout(), clock);
            case "none" -> null;
            default -> throw new IllegalArgumentException("baton.crm.provider must be none, salesforce, hubspot or webhook,"
                    + " not '" + crm.provider() + "'");
        };
    }

    @Override
    protected String topic() {
        return "create-sales-task";
    }

    @Override
    String channel() {
        return "task";
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    String templateProblem(String template) {
        return null;
    }

    @Override
    boolean guarded() {
        return false;
    }

    /** The CRM record to link to; for HubSpot and webhooks a task can do without one (then the lead id). */
    @Override
    String addressOf(LeadProfile lead, org.camunda.bpm.engine.externaltask.LockedExternalTask task) {
        Object salesforceId = lead.traits().get("salesforceId");
        Object hubspotId = lead.traits().get("hubspotContactId");
        return switch (crm.provider()) {
            case "salesforce" -> salesforceId == null ? null : salesforceId.toString();
            case "hubspot" -> hubspotId == null ? lead.id() : hubspotId.toString();
            default -> lead.id();
        };
    }

    /**
     * The task for the rep the handoff assigned (their CRM id as owner, due at their SLA), or, for
     * a queued lead or a journey without assignment, for the default owner.
     */
    @Override
    OutboundMessage compose(String key, LeadProfile lead, String address, String template,
                            org.camunda.bpm.engine.externaltask.LockedExternalTask task) {
        Map<String, Object> assigned = task.getVariables();
        String who = String.valueOf(lead.traits().getOrDefault("name",
                lead.emails().isEmpty() ? lead.id() : lead.emails().iterator().next()));
        String activity = LeadExplanations.lastActivity(lead, 5);
        Object chain = assigned.get("shareChain");
        String body = explanations.whyThisTier(lead) + (chain == null ? "" : "\nBrought by " + chain)
                + (activity.isEmpty() ? "" : "\n\nLast activity:\n" + activity) + "\n\nLead in Baton: " + lead.id();
        Map<String, String> fields = new HashMap<>();
        Instant due = assigned.get("slaDue") instanceof java.util.Date d ? d.toInstant() : clock.instant().plus(crm.due());
        fields.put("due", due.toString());
        if (!address.equals(lead.id())) {
            fields.put("crmRecordId", address);
        }
        Object owner = assigned.get("crmOwner") != null ? assigned.get("crmOwner") : crm.defaultOwner();
        if (owner != null && !owner.toString().isBlank()) {
            fields.put("ownerId", owner.toString());
        }
        String subject = ("hot".equals(lead.tier()) ? "Hot lead: " : "Lead: ") + who;
        return new OutboundMessage(key, lead.id(), address, subject, null, body, fields);
    }

    @Override
    Connector connector() {
        if (target == null) {
            return null;
        }
        return new Connector() {
            @Override
            public String channel() {
                return "task";
            }

            @Override
            public SendResult send(OutboundMessage message) {
                return target.create(new SalesTask(message.idempotencyKey(), message.leadId(),
                        message.headers().get("crmRecordId"), message.headers().get("ownerId"), message.subject(),
                        message.text(), Instant.parse(message.headers().get("due"))));
            }
        };
    }

    @Override
    boolean resendWhenOutcomeUnknown() {
        return target != null && target.idempotent();
    }
}
