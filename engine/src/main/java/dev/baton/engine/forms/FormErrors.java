package dev.baton.engine.forms;

import java.util.List;

/** A form submission or definition with errors, each naming its field. */
public class FormErrors extends RuntimeException {
    private final transient List<FieldError> errors;

    public FormErrors(List<FieldError> errors) {
        super(errors.size() + " field(s) need attention: " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** One field and what is wrong with it. */
    public record FieldError(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }
}
