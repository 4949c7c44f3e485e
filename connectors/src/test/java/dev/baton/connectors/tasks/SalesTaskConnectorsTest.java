package dev.baton.connectors.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.FakeProvider;
import dev.baton.connectors.SendResult;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each CRM target against a local server that checks the request its documentation defines and replays its errors. */
class SalesTaskConnectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SalesTask TASK = new SalesTask("task:42", "ada@example.com", "00Q5e00000AbCdE", "0055e00000XyZ",
            "Hot lead: Ada Lovelace", "Tier hot (score 97): pricing page +40 (2 times); senior job title +20",
            Instant.parse("2026-11-23T11:00:00Z"));
    private FakeProvider crm;

    @BeforeEach
    void start() throws Exception {
        crm = new FakeProvider();
    }

    @AfterEach
    void stop() {
        crm.close();
    }

    @Test
    void salesforceTaskIsLinkedToTheLeadOwnedByTheRepWithABearerToken() throws Exception {
        crm.answer(FakeProvider.Response.of(201, "{\"id\":\"00T5e000001AbcD\",\"success\":true,\"errors\":[]}"));
        var salesforce = new SalesforceTaskConnector(HttpClient.newHttpClient(), crm.baseUrl(), "00D!token", Duration.ofSeconds(2));

        SendResult result = salesforce.create(TASK);

        assertThat(result).isEqualTo(SendResult.sent("00T5e000001AbcD"));
        FakeProvider.Request request = crm.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/services/data/v60.0/sobjects/Task/");
        assertThat(request.header("Authorization")).isEqualTo("Bearer 00D!token");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("WhoId").asText()).isEqualTo("00Q5e00000AbCdE");
        assertThat(body.path("OwnerId").asText()).isEqualTo("0055e00000XyZ");
        assertThat(body.path("Subject").asText()).isEqualTo("Hot lead: Ada Lovelace");
        assertThat(body.path("Description").asText()).contains("Tier hot");
        assertThat(body.path("ActivityDate").asText()).isEqualTo("2026-11-23");
    }

    @Test
    void salesforceBadReferenceIsPermanentAndItsRequestLimitIsRetryable() {
        crm.answer(FakeProvider.Response.of(400, "[{\"message\":\"Who ID: id value of incorrect type: 001\","
                        + "\"errorCode\":\"FIELD_INTEGRITY_EXCEPTION\",\"fields\":[\"WhoId\"]}]"),
                FakeProvider.Response.of(403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"),
                FakeProvider.Response.of(503, "Service Unavailable"));
        var salesforce = new SalesforceTaskConnector(HttpClient.newHttpClient(), crm.baseUrl(), "t", Duration.ofSeconds(2));

        SendResult bad = salesforce.create(TASK);
        assertThat(bad.status()).isEqualTo(SendResult.Status.PERMANENT);
        assertThat(bad.reason()).contains("FIELD_INTEGRITY_EXCEPTION");
        assertThat(salesforce.create(TASK).status()).isEqualTo(SendResult.Status.RETRYABLE);
        assertThat(salesforce.create(TASK).status()).isEqualTo(SendResult.Status.RETRYABLE);
    }

    @Test
    void hubspotTaskCarriesItsPropertiesAndIsAssociatedToTheContact() throws Exception {
        crm.answer(FakeProvider.Response.of(201, "{\"id\":\"83417590129\",\"properties\":{}}"));
        var hubspot = new HubSpotTaskConnector(HttpClient.newHttpClient(), crm.baseUrl(), "pat-na1-xyz", Duration.ofSeconds(2));

        SendResult result = hubspot.create(new SalesTask("task:43", "ada", "501", "77", "Call Ada", "why", TASK.due()));

        assertThat(result).isEqualTo(SendResult.sent("83417590129"));
        FakeProvider.Request request = crm.requests().get(0);
        assertThat(request.path()).isEqualTo("/crm/v3/objects/tasks");
        assertThat(request.header("Authorization")).isEqualTo("Bearer pat-na1-xyz");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("properties").path("hs_timestamp").asText()).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(body.path("properties").path("hs_task_subject").asText()).isEqualTo("Call Ada");
        assertThat(body.path("properties").path("hs_task_body").asText()).isEqualTo("why");
        assertThat(body.path("properties").path("hubspot_owner_id").asText()).isEqualTo("77");
        JsonNode association = body.path("associations").get(0);
        assertThat(association.path("to").path("id").asText()).isEqualTo("501");
        assertThat(association.path("types").get(0).path("associationTypeId").asInt()).isEqualTo(204);
        assertThat(association.path("types").get(0).path("associationCategory").asText()).isEqualTo("HUBSPOT_DEFINED");
    }

    @Test
    void hubspotRateLimitIsRetryable() {
        crm.answer(FakeProvider.Response.of(429, "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\","
                + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"SECONDLY\"}"));
        var hubspot = new HubSpotTaskConnector(HttpClient.newHttpClient(), crm.baseUrl(), "t", Duration.ofSeconds(2));

        assertThat(hubspot.create(TASK).status()).isEqualTo(SendResult.Status.RETRYABLE);
    }

    @Test
    void webhookIsSignedTheStandardWebhooksWay() throws Exception {
        crm.answer(FakeProvider.Response.of(204, ""));
        byte[] key = "a-shared-webhook-key-32-bytes!!!".getBytes(StandardCharsets.UTF_8);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
        var webhook = new WebhookTaskConnector(HttpClient.newHttpClient(), crm.baseUrl() + "/hooks/sales", secret,
                Duration.ofSeconds(2), clock);

        SendResult result = webhook.create(TASK);

        assertThat(result).isEqualTo(SendResult.sent("task:42"));
        FakeProvider.Request request = crm.requests().get(0);
        assertThat(request.path()).isEqualTo("/hooks/sales");
        assertThat(request.header("webhook-id")).isEqualTo("task:42");
        assertThat(request.header("webhook-timestamp")).isEqualTo("1795428000");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal(("task:42.1795428000." + request.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("webhook-signature")).isEqualTo(expected);
        assertThat(JSON.readTree(request.body()).path("data").path("subject").asText()).isEqualTo("Hot lead: Ada Lovelace");
    }
}
