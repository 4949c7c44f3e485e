package dev.baton.engine.advocacy;

import dev.baton.engine.web.WebAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A share campaign: content items employees share, suggested texts per channel, when it runs,
 * the teams it targets and the journey its new leads enter.
 *
 * @param status active or archived
 */
record Campaign(String id, String name, String status, Instant startsAt, Instant endsAt, List<String> teams,
                       String journey, List<Content> contents, Instant createdAt) {

    /**
     * One thing to share.
     *
     * @param kind       landing-page, poster, article, webinar, live-stream or form
     * @param shareTexts channel (wechat, linkedin, email, ...) → suggested text
     * @param tracked    the page carries Baton's snippet ({@code t.js}), so a visitor's browser reports
     *                   back: a click whose browser never does within {@code baton.advocacy.js-grace}
     *                   is excluded as {@code no-js} (scripts and bots that do not run JavaScript)
     */
    public record Content(String id, String kind, String title, @WebAddress String url, Map<String, String> shareTexts,
                          boolean tracked) {
    }

    public Content content(String contentId) {
        return contents == null ? null : contents.stream().filter(c -> c.id().equals(contentId)).findFirst().orElse(null);
    }
}
