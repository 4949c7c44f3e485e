package dev.baton.engine.leads;

/** No job with that id was ever started. */
public class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String id) {
        super("no job with id '" + id + "'");
    }
}
