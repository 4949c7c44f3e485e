package dev.baton.engine.leads;

/** No lead or visitor with that id has been seen. */
public class LeadNotFoundException extends RuntimeException {
    public LeadNotFoundException(String id) {
        super("no lead or visitor with id '" + id + "'");
    }
}
