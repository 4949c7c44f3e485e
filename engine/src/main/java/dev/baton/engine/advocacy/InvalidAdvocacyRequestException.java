package dev.baton.engine.advocacy;

import dev.baton.engine.web.InvalidRequestException;

/** A campaign, share, team or employee request that cannot be taken; {@code field} says where. */
class InvalidAdvocacyRequestException extends InvalidRequestException {
    public InvalidAdvocacyRequestException(String field, String message) {
        super(field, message);
    }
}
