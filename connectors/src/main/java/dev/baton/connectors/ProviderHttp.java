package dev.baton.connectors;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One call to a provider's HTTP API, with what every connector does around it: wait for a
 * rate-limit slot, report a timeout as an unknown outcome (the provider may have acted), an
 * unreachable provider as retryable, and leave the answer's meaning to the connector.
 */
public final class ProviderHttp {
    private ProviderHttp() {
    }

    /** What a connector makes of an HTTP answer. */
    public interface Classifier {
        SendResult classify(int status, String body);
    }

    /** @param limiter null for no limit */
    public static SendResult call(HttpClient http, HttpRequest request, RateLimiter limiter, Duration maxWait,
                                  String provider, Classifier classifier) {
        try {
            if (limiter != null && !limiter.acquire(maxWait)) {
                return SendResult.retryable("rate limit: no slot for " + provider + " within " + maxWait.toSeconds() + " s");
            }
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return classifier.classify(response.statusCode(), response.body());
        } catch (java.net.http.HttpTimeoutException e) {
            return SendResult.unknown("timeout: " + provider + " may or may not have acted on it");
        } catch (IOException e) {
            return SendResult.retryable(provider + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.retryable("interrupted");
        }
    }
}
