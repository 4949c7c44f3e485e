package dev.baton.engine.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;

/** An absolute http(s) address with a host, as a browser opens it (spaces around it are allowed). */
@Constraint(validatedBy = WebAddress.Check.class)
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface WebAddress {
    String message() default "'${validatedValue}' is not an http(s) address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is not an address either: a missing one is as wrong as a malformed one. */
    class Check implements ConstraintValidator<WebAddress, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            try {
                URI uri = URI.create(value == null ? "" : value.strip());
                return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
