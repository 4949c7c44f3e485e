package dev.baton.engine.leads;

import dev.baton.engine.web.NotFoundException;

/** No job with that id was ever started. */
class JobNotFoundException extends NotFoundException {
    public JobNotFoundException(String id) {
        super("job-not-found", "Job not found", "no job with id '" + id + "'");
    }
}
