package dev.baton.engine.messaging;

/** A link whose token this engine did not sign (altered, truncated, forged). */
public class InvalidLinkException extends RuntimeException {
    public InvalidLinkException() {
        super("this link is not valid: it was changed or cut short; open it from the email again");
    }
}
