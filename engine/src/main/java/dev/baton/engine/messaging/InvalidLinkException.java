package dev.baton.engine.messaging;

import dev.baton.engine.web.InvalidRequestException;

/** A link whose token this engine did not sign (altered, truncated, forged). */
class InvalidLinkException extends InvalidRequestException {
    public InvalidLinkException() {
        super("invalid-link", "Invalid link", "token", "this link is not valid: it was changed or cut short; open it from the email again");
    }
}
