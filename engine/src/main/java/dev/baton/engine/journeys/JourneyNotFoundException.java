package dev.baton.engine.journeys;

/** No journey (process definition) has this key. */
public class JourneyNotFoundException extends RuntimeException {
    public JourneyNotFoundException(String key) {
        super("no journey with key '" + key + "' is deployed; GET /api/journeys lists them");
    }
}
