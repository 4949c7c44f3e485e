package dev.baton.engine.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A server Baton needs (Elasticsearch, Kafka) is away: 503 with {@code Retry-After}, so the
 * sender retries instead of giving up. Logged as a warning where it is answered.
 */
public class UnavailableException extends ApiProblem {
    private static final int RETRY_AFTER_SECONDS = 5;

    public UnavailableException(String type, String title, String message, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, type, title, message, cause);
    }

    @Override
    public HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        return headers;
    }
}
