package dev.baton.engine.search;

import dev.baton.engine.web.UnavailableException;

/** Elasticsearch cannot be reached or refused the request as a whole (not one document). */
public class SearchUnavailableException extends UnavailableException {
    public SearchUnavailableException(String message, Throwable cause) {
        super("search-unavailable", "Search unavailable", message, cause);
    }
}
