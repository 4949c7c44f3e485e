package dev.baton.engine.leads;

import dev.baton.engine.web.NotFoundException;

/** No lead or visitor with that id has been seen. */
public class LeadNotFoundException extends NotFoundException {
    public LeadNotFoundException(String id) {
        super("lead-not-found", "Lead not found", "no lead or visitor with id '" + id + "'");
    }
}
