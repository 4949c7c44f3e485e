package dev.baton.engine.search;

/** A rule version that was never uploaded (404). */
public class RuleVersionNotFoundException extends RuntimeException {
    public RuleVersionNotFoundException(String what) {
        super(what);
    }
}
