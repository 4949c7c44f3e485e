package dev.baton.engine.forms;

import dev.baton.engine.web.ApiProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** A form submission or definition with errors, each naming its field. */
class FormErrors extends ApiProblem {
    private final transient List<FieldError> errors;

    public FormErrors(List<FieldError> errors) {
        super(HttpStatus.BAD_REQUEST, "invalid-form", "Some fields need attention",
                errors.size() + " field(s) need attention: " + errors, null);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    @Override
    public Map<String, Object> properties() {
        return Map.of("errors", errors);
    }

    /** One field and what is wrong with it. */
    public record FieldError(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }
}
