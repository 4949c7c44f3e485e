package dev.baton.engine.advocacy;

/** A campaign, share, team or employee request that cannot be taken; {@code field} says where. */
public class InvalidAdvocacyRequestException extends RuntimeException {
    private final String field;

    public InvalidAdvocacyRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
