package dev.baton.engine.tracking;

import dev.baton.engine.web.InvalidRequestException;

/** A message that breaks Segment's shape or Baton's limits; {@code field} names what is wrong. */
class InvalidEventException extends InvalidRequestException {

    public InvalidEventException(String field, String message) {
        super("invalid-event", "Invalid event", field, message);
    }

    /** The same error located inside a batch: {@code batch[3].event}. */
    InvalidEventException inBatch(int index) {
        return new InvalidEventException("batch[" + index + "]" + (field().isEmpty() ? "" : "." + field()), getMessage());
    }
}
