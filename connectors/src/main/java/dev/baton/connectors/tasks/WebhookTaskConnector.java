package dev.baton.connectors.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.connectors.SendResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
    private final byte[] key;
    private final Duration timeout;
    private final Clock clock;

    public WebhookTaskConnector(HttpClient http, String url, String secret, Duration timeout, Clock clock) {
        this.http = http;
        this.url = URI.create(url);
        this.key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
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
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String signature = "v1," + sign(task.idempotencyKey() + "." + timestamp + "." + payload);
        return JsonHttp.post(http, url, Map.of("webhook-id", task.idempotencyKey(), "webhook-timestamp", timestamp,
                "webhook-signature", signature), payload, timeout, "webhook", answer -> task.idempotencyKey());
    }

    private String sign(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
