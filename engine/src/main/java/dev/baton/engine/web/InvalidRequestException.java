package dev.baton.engine.web;

/** A request that cannot be taken as sent (400); {@code field} says where (a JSON field, a CSV line). */
public class InvalidRequestException extends RuntimeException {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
