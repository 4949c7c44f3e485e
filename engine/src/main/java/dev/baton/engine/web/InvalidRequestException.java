package dev.baton.engine.web;

import java.util.Collections;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** A request that cannot be taken as sent (400); {@code field} says where (a JSON field, a CSV line). */
public class InvalidRequestException extends ApiProblem {
    private final String field;

    public InvalidRequestException(String field, String message) {
        this("invalid-request", "Invalid request", field, message);
    }

    protected InvalidRequestException(String type, String title, String field, String message) {
        super(HttpStatus.BAD_REQUEST, type, title, message, null);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public Map<String, Object> properties() {
        return Collections.singletonMap("field", field);
    }
}
