package dev.baton.engine.messaging;

import dev.baton.connectors.LinkSigner;
import dev.baton.engine.leads.EngineEvents;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The links in the emails Baton sends, public (recipients click them): tracked clicks
 * (redirect), the open pixel, and unsubscribe, both the page behind the visible link and the
 * RFC 8058 one-click POST that mail clients send. Every token is signed by {@link LinkSigner};
 * a forged or altered one is a 400 and records nothing.
 */
@RestController
@Tag(name = "Email links", description = "Tracked clicks, opens and unsubscribe (public, signed tokens)")
class EmailLinksController {
    private static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private final LinkSigner signer;
    private final EngineEvents events;
    private final Suppressions suppressions;
    private final Clock clock;

    EmailLinksController(LinkSigner signer, EngineEvents events, Suppressions suppressions, Clock clock) {
        this.signer = signer;
        this.events = events;
        this.suppressions = suppressions;
        this.clock = clock;
    }

    /** What a token says: kind, lead, the send it came from, and the link target or address. */
    private record Link(String kind, String leadId, String messageKey, String detail) {
    }

    @Operation(summary = "A tracked link in an email: records Email Clicked on the lead and redirects (302) to the target")
    @GetMapping("/e/c/{token}")
    ResponseEntity<Void> click(@PathVariable String token) throws IOException {
        Link link = read(token, "click");
        events.publish(List.of(new EngineEvents.EngineEvent(link.leadId(), "Email Clicked",
                "email-click:" + UUID.randomUUID(), clock.instant(), Map.of("url", link.detail(), "messageKey", link.messageKey()))));
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(link.detail())).build();
    }

    @Operation(summary = "The open pixel of an email: records Email Opened and answers a 1×1 GIF")
    @GetMapping(path = "/e/o/{token}", produces = MediaType.IMAGE_GIF_VALUE)
    ResponseEntity<byte[]> open(@PathVariable String token) throws IOException {
        Link link = read(token, "open");
        events.publish(List.of(new EngineEvents.EngineEvent(link.leadId(), "Email Opened",
                "email-open:" + UUID.randomUUID(), clock.instant(), Map.of("template", link.detail(), "messageKey", link.messageKey()))));
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").contentType(MediaType.IMAGE_GIF).body(PIXEL);
    }

    @Operation(summary = "The unsubscribe page behind an email's visible link: a button that confirms (POST)")
    @GetMapping(path = "/e/u/{token}", produces = MediaType.TEXT_HTML_VALUE)
    String unsubscribePage(@PathVariable String token) {
        Link link = read(token, "unsubscribe");
        return """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head>
                <body style="font-family:sans-serif"><h1>Unsubscribe</h1>
                <p>Stop all marketing email to <b>%s</b>?</p>
                <form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>
                </body></html>""".formatted(HtmlUtils.htmlEscape(link.detail()));
    }

    @Operation(summary = "Unsubscribe (RFC 8058 one-click, or the page's button)",
            description = "No more marketing email to the address; records Unsubscribed on the lead (once, however often it"
                    + " is posted). Journeys waiting for it end their nurture.")
    @PostMapping(path = "/e/u/{token}", produces = MediaType.TEXT_HTML_VALUE)
    String unsubscribe(@PathVariable String token) throws IOException {
        Link link = read(token, "unsubscribe");
        suppressions.suppress(new Suppressions.Suppression("email", link.detail(), link.leadId(), "unsubscribed", clock.instant()));
        events.publish(List.of(new EngineEvents.EngineEvent(link.leadId(), "Unsubscribed",
                "unsubscribed:email:" + hash(link.detail()), clock.instant(),
                Map.of("channel", "email", "email", link.detail(), "fromMessage", link.messageKey()))));
        return """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Unsubscribed</title></head>
                <body style="font-family:sans-serif"><h1>You are unsubscribed</h1>
                <p>We will send no more marketing email to <b>%s</b>.</p></body></html>""".formatted(HtmlUtils.htmlEscape(link.detail()));
    }

    private Link read(String token, String kind) {
        String[] parts = signer.verify(token).map(payload -> payload.split("\n", 4)).orElse(new String[0]);
        if (parts.length != 4 || !parts[0].equals(kind) || parts[1].isEmpty()) {
            throw new InvalidLinkException();
        }
        return new Link(parts[0], parts[1], parts[2], parts[3]);
    }

    private static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.toLowerCase().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
