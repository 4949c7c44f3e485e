package dev.baton.engine.segments;

import dev.baton.engine.web.InvalidRequestException;

/** A segment definition that cannot be used as written; {@code field} is the JSON path of the condition at fault. */
class InvalidSegmentException extends InvalidRequestException {
    InvalidSegmentException(String field, String message) {
        super("invalid-segment", "Invalid segment", field, field + ": " + message);
    }
}
