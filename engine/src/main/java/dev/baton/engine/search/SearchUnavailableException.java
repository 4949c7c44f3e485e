package dev.baton.engine.search;

/** Elasticsearch cannot be reached or refused the request as a whole (not one document). */
public class SearchUnavailableException extends RuntimeException {
    public SearchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
