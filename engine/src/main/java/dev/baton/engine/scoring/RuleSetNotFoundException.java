package dev.baton.engine.scoring;

import dev.baton.engine.web.NotFoundException;

/** No stored rule-set version with that number. */
class RuleSetNotFoundException extends NotFoundException {
    public RuleSetNotFoundException(int version) {
        super("rule-set-not-found", "Rule set not found", "no rule-set version " + version);
    }
}
