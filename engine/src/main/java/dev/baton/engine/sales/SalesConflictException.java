package dev.baton.engine.sales;

import dev.baton.engine.web.ApiProblem;
import org.springframework.http.HttpStatus;

/** A valid request the current state refuses (409): the rep is at capacity, the lead has no open task. */
class SalesConflictException extends ApiProblem {
    public SalesConflictException(String why) {
        super(HttpStatus.CONFLICT, "conflict", "Conflict", why, null);
    }
}
