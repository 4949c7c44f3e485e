package dev.baton.engine.sales;

import dev.baton.engine.web.NotFoundException;

/** No such rep, owner or queued lead (404). */
class SalesNotFoundException extends NotFoundException {
    public SalesNotFoundException(String what) {
        super("not-found", "Not found", what);
    }
}
