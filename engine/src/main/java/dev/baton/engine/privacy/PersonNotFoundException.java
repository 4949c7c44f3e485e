package dev.baton.engine.privacy;

import dev.baton.engine.web.NotFoundException;

/** No lead was ever known by that id. */
class PersonNotFoundException extends NotFoundException {
    PersonNotFoundException(String id) {
        super("person-not-found", "Person not found", "no lead, user, visitor, email or phone '" + id + "' is known");
    }
}
