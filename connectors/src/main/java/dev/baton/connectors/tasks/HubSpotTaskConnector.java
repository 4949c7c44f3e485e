package dev.baton.connectors.tasks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.connectors.SendResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/**
 * HubSpot CRM v3: {@code POST /crm/v3/objects/tasks} with a private-app bearer token; properties
 * {@code hs_timestamp} (due), {@code hs_task_subject}, {@code hs_task_body}, {@code hubspot_owner_id},
 * status and priority, associated to the contact (HubSpot-defined association type 204,
 * task → contact). 201 gives the task id. Not idempotent: the caller claims the key first.
 */
public final class HubSpotTaskConnector implements SalesTaskConnector {
    static final int TASK_TO_CONTACT = 204;
    private final HttpClient http;
    private final URI tasks;
    private final String token;
    private final Duration timeout;

    /** @param baseUrl https://api.hubapi.com (a local server in tests) */
    public HubSpotTaskConnector(HttpClient http, String baseUrl, String token, Duration timeout) {
        this.http = http;
        this.tasks = URI.create(baseUrl.replaceAll("/$", "") + "/crm/v3/objects/tasks");
        this.token = token;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "hubspot";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public SendResult create(SalesTask task) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put("hs_timestamp", task.due().toString());
        properties.put("hs_task_subject", task.subject());
        properties.put("hs_task_body", task.body());
        properties.put("hs_task_status", "NOT_STARTED");
        properties.put("hs_task_priority", "HIGH");
        properties.put("hs_task_type", "CALL");
        if (task.ownerId() != null) {
            properties.put("hubspot_owner_id", task.ownerId());
        }
        if (task.crmRecordId() != null) {
            ArrayNode associations = body.putArray("associations");
            ObjectNode association = associations.addObject();
            association.putObject("to").put("id", task.crmRecordId());
            association.putArray("types").addObject().put("associationCategory", "HUBSPOT_DEFINED")
                    .put("associationTypeId", TASK_TO_CONTACT);
        }
        return JsonHttp.post(http, tasks, Map.of("Authorization", "Bearer " + token), body.toString(), timeout, "HubSpot",
                answer -> answer.path("id").asText(null));
    }
}
