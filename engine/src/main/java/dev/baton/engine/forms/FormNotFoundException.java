package dev.baton.engine.forms;

import dev.baton.engine.web.NotFoundException;

/** No form with that id. */
class FormNotFoundException extends NotFoundException {
    public FormNotFoundException(String id) {
        super("form-not-found", "Form not found", "no form with id '" + id + "'");
    }
}
