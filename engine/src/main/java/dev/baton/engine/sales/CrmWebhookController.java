package dev.baton.engine.sales;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.StandardWebhooks;
import dev.baton.engine.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Outcomes from the CRM: {@code POST /sales/webhook}, signed the Standard Webhooks way with
 * {@code baton.crm.webhook.secret} (the secret Baton signs its sales tasks with), body
 * {@code {"type": "sales_task.outcome", "data": {"leadId", "outcome", "reason"}}}. The webhook id
 * makes a redelivery count once.
 */
@RestController
@Tag(name = "Sales", description = "Sales reps, assignment of hot leads, SLA figures, the manager queue, outcomes")
class CrmWebhookController {
    private final SalesOutcomes outcomes;
    private final ObjectMapper json;
    private final Clock clock;
    private final String secret;

    CrmWebhookController(SalesOutcomes outcomes, ObjectMapper json, Clock clock,
                         @Value("${baton.crm.webhook.secret:}") String secret) {
        this.outcomes = outcomes;
        this.json = json;
        this.clock = clock;
        this.secret = secret;
    }

    @Operation(summary = "A sales outcome from the CRM (Standard Webhooks signature; no login)",
            description = "Headers webhook-id, webhook-timestamp, webhook-signature (v1, HMAC-SHA256 of id.timestamp.body with"
                    + " baton.crm.webhook.secret). 401 when the signature is wrong or older than 5 minutes; 400 when the"
                    + " body is not an outcome; otherwise as POST /api/sales/leads/{leadId}/outcome.")
    @PostMapping(path = "/sales/webhook", consumes = "application/json")
    ResponseEntity<?> outcome(@RequestHeader(name = "webhook-id", required = false) String id,
                              @RequestHeader(name = "webhook-timestamp", required = false) String timestamp,
                              @RequestHeader(name = "webhook-signature", required = false) String signature,
                              @RequestBody String body) throws IOException {
        if (secret == null || secret.isBlank()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(java.util.Map.of("detail",
                    "no CRM webhook secret is configured (BATON_CRM_WEBHOOK_SECRET)"));
        }
        String problem = new StandardWebhooks(secret).problem(id, timestamp, signature, body, clock.instant());
        if (problem != null) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(java.util.Map.of("detail", problem));
        }
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "the body is not JSON: " + e.getMessage());
        }
        JsonNode data = message.has("data") ? message.path("data") : message;
        String leadId = data.path("leadId").asText(null);
        if (leadId == null || leadId.isBlank()) {
            throw new InvalidRequestException("data.leadId", "data.leadId is required");
        }
        return ResponseEntity.ok(outcomes.answer(leadId, data.path("outcome").asText(null), data.path("reason").asText(null),
                "crm", id));
    }
}
