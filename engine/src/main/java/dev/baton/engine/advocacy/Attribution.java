package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * Which share brought a visitor first and last, and whether the visitor then submitted a form. A
 * lead's attribution is that of the visitors it was. (How engaged a visitor is comes from its
 * events, counted when asked; nothing here keeps a copy.)
 *
 * @param joinedFrom for a landing page's visitor (on the customer's domain, an id of its own), the
 *                   visitor of the share click it reported: the same person, in Baton's cookie
 */
public record Attribution(String visitor, Touch firstTouch, Touch lastTouch, boolean formSubmitted,
                          Instant formAt, String joinedFrom) {

    /** One share that brought the visitor. */
    public record Touch(String share, String campaign, String sharer, String rootEmployee, String rootTeam,
                        List<String> chain, List<String> chainSharers, int depth, Instant at) {

        /** A touch of this share at this time. */
        static Touch of(Share share, Instant at) {
            return new Touch(share.code(), share.campaign(), share.sharer(), share.rootEmployee(), share.rootTeam(),
                    share.chain(), share.chainSharers(), share.depth(), at);
        }
    }
}
