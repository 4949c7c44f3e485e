package dev.baton.engine.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The declarative checks of request records (Bean Validation annotations) for requests that do
 * not come in as a JSON body Spring validates with {@code @Valid}: a CSV row is read into the same
 * record a JSON body would be, and checked by the same annotations here.
 */
public final class Requests {
    private Requests() {
    }

    /** One field at fault: its path ({@code contents[1].url}, empty for the whole request) and what is wrong. */
    public record Violation(String field, String message) {
        static final Comparator<Violation> BY_FIELD = Comparator.comparing(Violation::field).thenComparing(Violation::message);

        /** "field: message" in the sender's terms. */
        String describe() {
            return (field.isEmpty() ? "the request" : field) + ": " + message;
        }
    }

    /**
     * The value when its annotations hold; otherwise a 400 naming each field at fault.
     *
     * @param where what prefixes the detail ({@code "line 3: "} for a CSV row), may be empty
     */
    public static <T> T valid(Validator validator, T value, String where) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (violations.isEmpty()) {
            return value;
        }
        throw new InvalidRequestException(where, violations.stream()
                .map(v -> new Violation(v.getPropertyPath().toString(), v.getMessage())).sorted(Violation.BY_FIELD).toList());
    }

    /** The detail of a problem made of these violations, each "field: message", in field order. */
    static String detail(String where, List<Violation> violations) {
        StringBuilder detail = new StringBuilder(where);
        for (int i = 0; i < violations.size(); i++) {
            detail.append(i == 0 ? "" : "; ").append(violations.get(i).describe());
        }
        return detail.toString();
    }
}
