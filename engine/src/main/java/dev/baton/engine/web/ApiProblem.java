package dev.baton.engine.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An error a feature answers an API call with: its status, a problem type and title, and what
 * else the problem document carries ({@code field}, {@code errors}...). Features extend it (or one
 * of {@link InvalidRequestException}, {@link NotFoundException}, {@link UnavailableException}) and
 * {@link ApiErrors} turns every one into RFC 9457 problem details, so the web layer needs to
 * know no feature's exceptions.
 */
public abstract class ApiProblem extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final String title;

    protected ApiProblem(HttpStatus status, String type, String title, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    /** The last segment of the problem type, {@code https://baton.dev/problems/<type>}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** What the answer's {@code detail} says; the message unless a problem adds to it. */
    public String detail() {
        return getMessage();
    }

    /** Further members of the problem document; values may be null. */
    public Map<String, Object> properties() {
        return Map.of();
    }

    /** Headers the answer carries besides the problem ({@code Retry-After}, {@code WWW-Authenticate}). */
    public HttpHeaders headers() {
        return HttpHeaders.EMPTY;
    }
}
