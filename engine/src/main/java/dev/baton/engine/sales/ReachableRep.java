package dev.baton.engine.sales;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a rep's fields must say together: working hours Baton can read in the rep's time zone
 * (the SLA clock), and an address on the channel the rep is told of new leads by. Each failure
 * names the field to change.
 */
@Constraint(validatedBy = ReachableRep.Check.class)
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ReachableRep {
    String message() default "the rep cannot be reached";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ReachableRep, Rep> {
        @Override
        public boolean isValid(Rep rep, ConstraintValidatorContext context) {
            if (rep == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            boolean valid = true;
            try {
                rep.hours();
            } catch (IllegalArgumentException e) {
                valid = fault(context, "workingHours", e.getMessage());
            }
            if (rep.notifyBy().equals("sms") && rep.phone() == null) {
                valid = fault(context, "phone", "notifyBy sms needs a phone number (E.164, e.g. +4915112345678)");
            }
            if (rep.notifyBy().equals("email") && rep.email() == null) {
                valid = fault(context, "email", "notifyBy email needs an email address");
            }
            return valid;
        }

        private static boolean fault(ConstraintValidatorContext context, String field, String message) {
            // The message is text, not a template: braces and dollars in it stay as they are.
            context.buildConstraintViolationWithTemplate(message.replaceAll("([\\\\{}$])", "\\\\$1"))
                    .addPropertyNode(field).addConstraintViolation();
            return false;
        }
    }
}
