package dev.baton.engine.tracking;

/** A message that breaks Segment's shape or Baton's limits; {@code field} names what is wrong. */
public class InvalidEventException extends RuntimeException {
    private final String field;

    public InvalidEventException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The same error located inside a batch: {@code batch[3].event}. */
    InvalidEventException inBatch(int index) {
        return new InvalidEventException("batch[" + index + "]" + (field.isEmpty() ? "" : "." + field), getMessage());
    }
}
