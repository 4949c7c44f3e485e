package dev.baton.connectors.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.ProviderHttp;
import dev.baton.connectors.SendResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/** A JSON POST to a provider, its answer classified: 2xx sent, 429/5xx/timeout retryable, other 4xx permanent. */
final class JsonHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonHttp() {
    }

    interface IdReader {
        String idOf(JsonNode answer);
    }

    static SendResult post(HttpClient http, URI uri, Map<String, String> headers, String body, Duration timeout,
                           String provider, IdReader ids) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return ProviderHttp.call(http, request.build(), null, timeout, provider, (status, text) -> {
            JsonNode answer = parse(text);
            if (status >= 200 && status < 300) {
                String id = ids.idOf(answer);
                return id == null || id.isBlank()
                        ? SendResult.retryable(provider + " answered " + status + " without an id") : SendResult.sent(id);
            }
            String reason = provider + " " + status + ": " + abbreviate(text);
            return status == 429 || status >= 500 || retryableAnswer(answer) ? SendResult.retryable(reason)
                    : SendResult.permanent(reason);
        });
    }

    /** Salesforce says "request limit exceeded" with a 403: that passes. */
    private static boolean retryableAnswer(JsonNode answer) {
        return answer.toString().contains("REQUEST_LIMIT_EXCEEDED");
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
