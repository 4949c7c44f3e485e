package dev.baton.engine.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.email.*}.
 *
 * @param from       sender of journey emails, e.g. {@code Acme <news@acme.com>}
 * @param publicUrl  where recipients reach Baton's public endpoints (tracked links, unsubscribe)
 * @param linkSecret signs the links in emails; the same on every node. Blank: derived from the
 *                   tracking write key (also shared by every node)
 */
@ConfigurationProperties("baton.email")
record EmailProperties(String from, String publicUrl, String linkSecret) {
    public EmailProperties {
        from = from == null || from.isBlank() ? "Baton <news@baton.local>" : from;
        publicUrl = publicUrl == null || publicUrl.isBlank() ? "http://localhost:8080" : publicUrl;
    }
}
