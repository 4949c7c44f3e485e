package dev.baton.engine.web;

import org.springframework.http.HttpStatus;

/** What the request names does not exist (404). */
public class NotFoundException extends ApiProblem {
    public NotFoundException(String type, String title, String message) {
        super(HttpStatus.NOT_FOUND, type, title, message, null);
    }

    public NotFoundException(String message) {
        this("not-found", "Not found", message);
    }
}
