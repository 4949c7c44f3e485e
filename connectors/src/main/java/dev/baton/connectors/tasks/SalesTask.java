package dev.baton.connectors.tasks;

import java.time.Instant;

/**
 * A sales task to create for a lead: what the rep sees.
 *
 * @param crmRecordId the lead or contact in the CRM (Salesforce WhoId, HubSpot contact id); null for a webhook
 * @param ownerId     the rep in the CRM (Salesforce OwnerId, HubSpot owner id), or null
 * @param due         when the rep should have acted (the SLA)
 */
public record SalesTask(String idempotencyKey, String leadId, String crmRecordId, String ownerId, String subject,
                        String body, Instant due) {
}
