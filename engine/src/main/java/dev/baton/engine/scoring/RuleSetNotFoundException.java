package dev.baton.engine.scoring;

/** No stored rule-set version with that number. */
public class RuleSetNotFoundException extends RuntimeException {
    public RuleSetNotFoundException(int version) {
        super("no rule-set version " + version);
    }
}
