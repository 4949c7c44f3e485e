package dev.baton.connectors.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.connectors.SendResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Salesforce REST: {@code POST /services/data/v60.0/sobjects/Task/} with an OAuth bearer token,
 * a Task linked to the lead or contact ({@code WhoId}) and owned by the rep ({@code OwnerId}).
 * 201 gives the Task id. Not idempotent: the caller claims the key first.
 */
public final class SalesforceTaskConnector implements SalesTaskConnector {
    private final HttpClient http;
    private final URI tasks;
    private final String accessToken;
    private final Duration timeout;

    /** @param instanceUrl the org's instance, e.g. https://acme.my.salesforce.com (a local server in tests) */
    public SalesforceTaskConnector(HttpClient http, String instanceUrl, String accessToken, Duration timeout) {
        this.http = http;
        this.tasks = URI.create(instanceUrl.replaceAll("/$", "") + "/services/data/v60.0/sobjects/Task/");
        this.accessToken = accessToken;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "salesforce";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public SendResult create(SalesTask task) {
        if (task.crmRecordId() == null) {
            return SendResult.permanent("the lead has no Salesforce id (WhoId) to link the task to");
        }
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("Subject", task.subject());
        body.put("Description", task.body());
        body.put("WhoId", task.crmRecordId());
        if (task.ownerId() != null) {
            body.put("OwnerId", task.ownerId());
        }
        body.put("ActivityDate", task.due().atZone(ZoneOffset.UTC).toLocalDate().toString());
        body.put("Priority", "High");
        body.put("Status", "Not Started");
        return JsonHttp.post(http, tasks, Map.of("Authorization", "Bearer " + accessToken), body.toString(), timeout,
                "Salesforce", answer -> answer.path("id").asText(null));
    }
}
