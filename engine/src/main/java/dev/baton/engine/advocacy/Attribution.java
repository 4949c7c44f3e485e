package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * Which share brought a visitor first and last, and what the visitor did since ({@code activity}:
 * its events). A lead's attribution is that of the visitors it was.
 */
public record Attribution(String visitor, Touch firstTouch, Touch lastTouch, long activity, boolean formSubmitted,
                          Instant formAt) {

    /** One share that brought the visitor. */
    public record Touch(String share, String campaign, String sharer, String rootEmployee, String rootTeam,
                        List<String> chain, List<String> chainSharers, int depth, Instant at) {
    }
}
