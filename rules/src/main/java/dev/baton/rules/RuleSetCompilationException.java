package dev.baton.rules;

import java.util.List;

/** A rule set that does not compile, with every error located by file, line and column. */
public class RuleSetCompilationException extends RuntimeException {
    private final transient List<RuleError> errors;

    public RuleSetCompilationException(List<RuleError> errors) {
        super("rule set does not compile: " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<RuleError> errors() {
        return errors;
    }
}
