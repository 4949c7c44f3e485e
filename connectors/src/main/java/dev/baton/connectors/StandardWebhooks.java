package dev.baton.connectors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures the Standard Webhooks way (standardwebhooks.com): {@code webhook-id},
 * {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}, keyed by a secret written {@code whsec_<base64>}. Baton signs the sales
 * tasks it sends and checks the outcomes a CRM sends back.
 */
public final class StandardWebhooks {
    /** How far a signed timestamp may be from now (replayed old messages are refused). */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private final byte[] key;

    public StandardWebhooks(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook secret is needed (whsec_ followed by a base64 key)");
        }
        this.key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
    }

    /** The {@code webhook-signature} header value for this message. */
    public String signature(String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /**
     * Why the message must be refused, or null when it is signed with this secret within the
     * tolerance. The header may hold several space-separated signatures (during key rotation).
     */
    public String problem(String id, String timestamp, String signatures, String body, Instant now) {
        if (id == null || timestamp == null || signatures == null) {
            return "webhook-id, webhook-timestamp and webhook-signature headers are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not Unix seconds";
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return "webhook-timestamp is more than " + TOLERANCE.toMinutes() + " minutes from now";
        }
        byte[] expected = signature(id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String given : signatures.strip().split("\\s+")) {
            if (MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                return null;
            }
        }
        return "webhook-signature does not match the body";
    }
}
