package dev.baton.engine.forms;

/** No form with that id. */
public class FormNotFoundException extends RuntimeException {
    public FormNotFoundException(String id) {
        super("no form with id '" + id + "'");
    }
}
