package dev.baton.engine.segments;

import dev.baton.engine.web.ApiProblem;
import org.springframework.http.HttpStatus;

/** A pause, resume or cancel the broadcast's state refuses (409): it is done, or not paused. */
class BroadcastStateException extends ApiProblem {
    BroadcastStateException(String message) {
        super(HttpStatus.CONFLICT, "broadcast-state", "Conflict", message, null);
    }
}
