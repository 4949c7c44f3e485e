package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * A click on a share link as counted: {@code counted} when it is reach, else {@code excluded}
 * says why (self, repeat, bot, burst, no-js). Excluded clicks are kept so an admin can see them.
 * {@code awaitingJs}: counted for now, on content whose page reports its clicks, until that page
 * (or a form of the visitor) confirms it or {@link NoJsClicks} excludes it.
 */
record ShareClick(String messageId, String code, String campaign, String content, String sharer,
                         String rootEmployee, String rootTeam, int depth, List<String> chain, List<String> chainSharers,
                         String visitor, String ip, String userAgent, String referrer, String channel, Instant at,
                         boolean counted, String excluded, boolean awaitingJs) {

    ShareClick decided(boolean isCounted, String reason) {
        return new ShareClick(messageId, code, campaign, content, sharer, rootEmployee, rootTeam, depth, chain,
                chainSharers, visitor, ip, userAgent, referrer, channel, at, isCounted, reason, isCounted && awaitingJs);
    }
}
