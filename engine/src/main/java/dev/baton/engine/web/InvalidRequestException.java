package dev.baton.engine.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request that cannot be taken as sent (400); {@code field} says where (a JSON field, a CSV
 * line), and {@code errors} lists every field at fault when declarative checks found several.
 */
public class InvalidRequestException extends ApiProblem {
    private final String field;
    private final List<Requests.Violation> errors;

    public InvalidRequestException(String field, String message) {
        this("invalid-request", "Invalid request", field, message);
    }

    protected InvalidRequestException(String type, String title, String field, String message) {
        super(HttpStatus.BAD_REQUEST, type, title, message, null);
        this.field = field;
        this.errors = List.of();
    }

    /** Several fields at fault (at least one), the detail prefixed with {@code where}. */
    InvalidRequestException(String where, List<Requests.Violation> errors) {
        super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", Requests.detail(where, errors), null);
        this.field = errors.get(0).field();
        this.errors = List.copyOf(errors);
    }

    public String field() {
        return field;
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("field", field);
        if (!errors.isEmpty()) {
            properties.put("errors", errors);
        }
        return properties;
    }
}
