package dev.baton.connectors.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.connectors.SendResult;
import dev.baton.connectors.StandardWebhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A sales task handed to any system over a webhook signed the Standard Webhooks way:
 * {@code webhook-id} (the idempotency key: the receiver drops repeats), {@code webhook-timestamp}
 * (Unix seconds) and {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}
 * with the secret (a {@code whsec_}-prefixed base64 key). Any 2xx is success; the task's id is
 * the webhook id.
 */
public final class WebhookTaskConnector implements SalesTaskConnector {
    private final HttpClient http;
    private final URI url;
    private final StandardWebhooks signer;
    private final Duration timeout;
    private final Clock clock;

    public WebhookTaskConnector(HttpClient http, String url, String secret, Duration timeout, Clock clock) {
        this.http = http;
        this.url = URI.create(url);
        this.signer = new StandardWebhooks(secret);
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public SendResult create(SalesTask task) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("type", "sales_task.created");
        body.put("timestamp", clock.instant().toString());
        ObjectNode data = body.putObject("data");
        data.put("leadId", task.leadId());
        data.put("subject", task.subject());
        data.put("body", task.body());
        data.put("due", task.due().toString());
        if (task.ownerId() != null) {
            data.put("ownerId", task.ownerId());
        }
        if (task.crmRecordId() != null) {
            data.put("crmRecordId", task.crmRecordId());
        }
        String payload = body.toString();
        long seconds = clock.instant().getEpochSecond();
        String timestamp = Long.toString(seconds);
        String signature = signer.signature(task.idempotencyKey(), seconds, payload);
        return JsonHttp.post(http, url, Map.of("webhook-id", task.idempotencyKey(), "webhook-timestamp", timestamp,
                "webhook-signature", signature), payload, timeout, "webhook", answer -> task.idempotencyKey());
    }
}
