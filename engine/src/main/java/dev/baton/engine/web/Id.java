package dev.baton.engine.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An id people choose for what they create (a rep, a team, an employee): 1-100 letters, digits,
 * '.', '_', '@' or '-', starting with a letter or digit, so it is safe in a URL path, a CSV cell,
 * a Camunda user id and an Elasticsearch term alike.
 */
@NotNull(message = "required")
@Pattern(regexp = Id.PATTERN, message = "'${validatedValue}' must be 1-100 letters, digits, '.', '_', '@' or '-'")
@Constraint(validatedBy = {})
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT,
        ElementType.TYPE_USE, ElementType.ANNOTATION_TYPE})
public @interface Id {
    String PATTERN = "[A-Za-z0-9][A-Za-z0-9._@-]{0,99}";

    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
