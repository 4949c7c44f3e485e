package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * Which share brought a visitor first and last, and whether the visitor then submitted a form. A
 * lead's attribution is that of the visitors it was. (How engaged a visitor is comes from its
 * events, counted when asked; nothing here keeps a copy.)
 */
public record Attribution(String visitor, Touch firstTouch, Touch lastTouch, boolean formSubmitted,
                          Instant formAt) {

    /** One share that brought the visitor. */
    public record Touch(String share, String campaign, String sharer, String rootEmployee, String rootTeam,
                        List<String> chain, List<String> chainSharers, int depth, Instant at) {
    }
}
