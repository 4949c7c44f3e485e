package dev.baton.engine.search;

import dev.baton.engine.web.NotFoundException;

/** A rule version that was never uploaded (404). */
class RuleVersionNotFoundException extends NotFoundException {
    public RuleVersionNotFoundException(String what) {
        super("not-found", "Not found", what);
    }
}
