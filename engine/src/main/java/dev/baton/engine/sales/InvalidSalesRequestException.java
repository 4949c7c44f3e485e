package dev.baton.engine.sales;

/** A rep, CSV line or outcome that is not valid (400), naming the field or line. */
public class InvalidSalesRequestException extends RuntimeException {
    private final String field;

    public InvalidSalesRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
