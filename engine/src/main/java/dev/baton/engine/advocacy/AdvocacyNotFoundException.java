package dev.baton.engine.advocacy;

import dev.baton.engine.web.NotFoundException;

/** No campaign, share, team or employee with that id. */
class AdvocacyNotFoundException extends NotFoundException {
    public AdvocacyNotFoundException(String what) {
        super("not-found", "Not found", what);
    }
}
