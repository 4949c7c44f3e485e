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
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SMS through Alibaba Cloud SMS {@code SendSms} (API version 2017-05-25, RPC style, signature
 * version 1.0: HMAC-SHA1 over the sorted, percent-encoded query). A message names the template
 * by code with its parameters as JSON ({@link #TEMPLATE_CODE}, {@link #TEMPLATE_PARAM} in the
 * message's fields); {@code OutId} carries the idempotency key, so delivery receipts find the send.
 * {@code Code = OK} gives the BizId; throttling codes are retryable, the rest permanent.
 */
public final class AliyunSmsConnector implements Connector {
    public static final String TEMPLATE_CODE = "TemplateCode";
    public static final String TEMPLATE_PARAM = "TemplateParam";
    private static final Set<String> RETRYABLE = Set.of("isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling",
            "ServiceUnavailable", "InternalError", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY_TEMPORARILY");
    private final HttpClient http;
    private final String endpoint;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String signName;
    private final RateLimiter limiter;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    /** @param endpoint https://dysmsapi.aliyuncs.com (a local server in tests) */
    public AliyunSmsConnector(HttpClient http, String endpoint, String accessKeyId, String accessKeySecret,
                              String signName, RateLimiter limiter, Duration timeout) {
        this.http = http;
        this.endpoint = endpoint.endsWith("/") ? endpoint : endpoint + "/";
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
        this.signName = signName;
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
        String templateCode = message.headers().get(TEMPLATE_CODE);
        if (templateCode == null || templateCode.isBlank()) {
            return SendResult.permanent("no Alibaba Cloud template code for this message");
        }
        Map<String, String> params = new TreeMap<>();
        params.put("AccessKeyId", accessKeyId);
        params.put("Action", "SendSms");
        params.put("Format", "JSON");
        params.put("OutId", message.idempotencyKey());
        // Mainland numbers go without the +86; international ones with their country code, no plus.
        params.put("PhoneNumbers", message.to().startsWith("+86") ? message.to().substring(3) : message.to().substring(1));
        params.put("RegionId", "cn-hangzhou");
        params.put("SignName", signName);
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureNonce", UUID.randomUUID().toString());
        params.put("SignatureVersion", "1.0");
        params.put("TemplateCode", templateCode);
        params.put("TemplateParam", message.headers().getOrDefault(TEMPLATE_PARAM, "{}"));
        params.put("Timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        params.put("Version", "2017-05-25");
        String query = canonical(params);
        String signature = sign("GET&" + percent("/") + "&" + percent(query), accessKeySecret + "&");
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?Signature=" + percent(signature) + "&" + query))
                .timeout(timeout).GET().build();
        return ProviderHttp.call(http, request, limiter, timeout, "Alibaba Cloud SMS", this::classify);
    }

    private SendResult classify(int status, String body) {
        JsonNode answer;
        try {
            answer = json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            answer = json.createObjectNode();
        }
        String code = answer.path("Code").asText("");
        if ("OK".equals(code)) {
            return SendResult.sent(answer.path("BizId").asText());
        }
        String reason = "Alibaba Cloud SMS " + status + " " + code + ": " + answer.path("Message").asText(body);
        return status >= 500 || RETRYABLE.contains(code) ? SendResult.retryable(reason) : SendResult.permanent(reason);
    }

    /** The sorted query, each key and value percent-encoded the way the signature wants. */
    static String canonical(Map<String, String> sorted) {
        return sorted.entrySet().stream().map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 encoding: spaces as %20, '*' as %2A, '~' kept. */
    static String percent(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String sign(String stringToSign, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }
}
