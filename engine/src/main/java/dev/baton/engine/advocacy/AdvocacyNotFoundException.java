package dev.baton.engine.advocacy;

/** No campaign, share, team or employee with that id. */
public class AdvocacyNotFoundException extends RuntimeException {
    public AdvocacyNotFoundException(String what) {
        super(what);
    }
}
