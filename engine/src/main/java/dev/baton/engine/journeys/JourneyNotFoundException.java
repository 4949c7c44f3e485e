package dev.baton.engine.journeys;

import dev.baton.engine.web.NotFoundException;

/** No journey (process definition) has this key. */
class JourneyNotFoundException extends NotFoundException {
    public JourneyNotFoundException(String key) {
        super("journey-not-found", "Journey not found", "no journey with key '" + key + "' is deployed; GET /api/journeys lists them");
    }
}
