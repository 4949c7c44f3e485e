package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * A click on a share link as counted: {@code counted} when it is reach, else {@code excluded}
 * says why (self, repeat, bot, burst). Excluded clicks are kept so an admin can see them.
 */
public record ShareClick(String messageId, String code, String campaign, String content, String sharer,
                         String rootEmployee, String rootTeam, int depth, List<String> chain, List<String> chainSharers,
                         String visitor, String ip, String userAgent, String referrer, String channel, Instant at,
                         boolean counted, String excluded) {

    ShareClick decided(boolean isCounted, String reason) {
        return new ShareClick(messageId, code, campaign, content, sharer, rootEmployee, rootTeam, depth, chain,
                chainSharers, visitor, ip, userAgent, referrer, channel, at, isCounted, reason);
    }
}
