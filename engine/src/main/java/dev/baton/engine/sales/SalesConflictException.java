package dev.baton.engine.sales;

/** A valid request the current state refuses (409): the rep is at capacity, the lead has no open task. */
public class SalesConflictException extends RuntimeException {
    public SalesConflictException(String why) {
        super(why);
    }
}
