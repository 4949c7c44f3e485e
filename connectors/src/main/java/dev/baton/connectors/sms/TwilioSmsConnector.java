package dev.baton.connectors.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.PhoneNumbers;
import dev.baton.connectors.ProviderHttp;
import dev.baton.connectors.RateLimiter;
import dev.baton.connectors.SendResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SMS through Twilio's Messages API: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json},
 * form-encoded {@code To}, {@code From}, {@code Body}, {@code StatusCallback}, HTTP Basic with the
 * account SID and auth token. 201 gives the message SID; 429 and 5xx are retryable; other 4xx
 * (invalid number 21211, unsubscribed recipient 21610…) permanent.
 *
 * <p>Twilio's API is not idempotent: the caller de-duplicates by idempotency key before calling,
 * and a timeout is {@link SendResult.Status#UNKNOWN} (the caller must not simply send again).
 */
public final class TwilioSmsConnector implements Connector {
    private final HttpClient http;
    private final URI messages;
    private final String authorization;
    private final String from;
    private final String statusCallback;
    private final RateLimiter limiter;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl        https://api.twilio.com (a local server in tests)
     * @param statusCallback where Twilio posts delivery receipts, or null
     */
    public TwilioSmsConnector(HttpClient http, String baseUrl, String accountSid, String authToken, String from,
                              String statusCallback, RateLimiter limiter, Duration timeout) {
        this.http = http;
        this.messages = URI.create(trim(baseUrl) + "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = from;
        this.statusCallback = statusCallback;
        this.limiter = limiter;
        this.timeout = timeout;
    }

    @Override
    public String channel() {
        return "sms";
    }

    @Override
    public SendResult send(OutboundMessage message) {
        if (!PhoneNumbers.isE164(message.to())) {
            return SendResult.permanent("not an E.164 phone number: " + message.to());
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.to());
        form.put("From", from);
        form.put("Body", message.text());
        if (statusCallback != null) {
            form.put("StatusCallback", statusCallback);
        }
        HttpRequest request = HttpRequest.newBuilder(messages).timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build();
        return ProviderHttp.call(http, request, limiter, timeout, "Twilio", this::classify);
    }

    /** Invalid 'To' number, recipient opted out (replied STOP), not a mobile number: never retry that number. */
    private static final java.util.Set<Integer> UNREACHABLE = java.util.Set.of(21211, 21610, 21614);

    private SendResult classify(int status, String body) {
        JsonNode answer = parse(body);
        if (status == 200 || status == 201) {
            String sid = answer.path("sid").asText(null);
            return sid == null ? SendResult.retryable("Twilio answered " + status + " without a message sid") : SendResult.sent(sid);
        }
        String reason = "Twilio " + status + (answer.has("code") ? " (error " + answer.path("code").asText() + ")" : "")
                + ": " + answer.path("message").asText(body);
        if (status == 429 || status >= 500) {
            return SendResult.retryable(reason);
        }
        return UNREACHABLE.contains(answer.path("code").asInt()) ? SendResult.undeliverable(reason) : SendResult.permanent(reason);
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
