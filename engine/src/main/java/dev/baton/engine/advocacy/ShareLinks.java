package dev.baton.engine.advocacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import dev.baton.engine.identity.ShareClickIds;
import dev.baton.engine.tracking.EventOutbox;
import dev.baton.engine.tracking.TrackingMessages;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public side of share links: {@code GET /s/{code}} records a {@code Share Clicked} event
 * (share, sharer, chain and depth, channel, referrer, visitor) and redirects to the content; the
 * QR code of a link; and a visitor's re-share. A forged or altered code is a 404 and records
 * nothing. Whether a click counts as reach is decided later, by {@link ShareClickAccounting}.
 */
@RestController
@RequestMapping("/s")
@Tag(name = "Share links", description = "Public: share link redirect, QR code, re-share")
class ShareLinks {
    static final String VISITOR_COOKIE = "baton_aid";
    /** IPv4 or IPv6 as Tomcat reports it; anything else (a forged forwarded header) is no address. */
    private static final Pattern IP_ADDRESS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    /** Known crawlers, link previewers and scripts; a click without a user agent is one too. */
    private static final Pattern BOTS = Pattern.compile(
            "(?i)bot\\b|bot/|crawl|spider|slurp|facebookexternalhit|embedly|preview|headless|python-requests|curl/|wget/|"
                    + "go-http-client|okhttp|scrapy|httpunit|phantomjs|monitor");
    private final Shares shares;
    private final AdvocacyStore store;
    private final TrackingMessages messages;
    private final EventOutbox outbox;
    private final ObjectMapper json;
    private final ShareClickIds clickIds;
    private final Clock clock;

    ShareLinks(Shares shares, AdvocacyStore store, TrackingMessages messages, EventOutbox outbox, ObjectMapper json,
               ShareClickIds clickIds, Clock clock) {
        this.shares = shares;
        this.store = store;
        this.messages = messages;
        this.outbox = outbox;
        this.json = json;
        this.clickIds = clickIds;
        this.clock = clock;
    }

    @Operation(summary = "Follow a share link: records the click and redirects (302) to the content")
    @GetMapping("/{code}")
    ResponseEntity<Void> follow(@PathVariable String code, @RequestParam(name = "c", required = false) String channel,
                                HttpServletRequest request) {
        Share share = shares.genuine(code);
        Campaign campaign = share == null ? null : store.recentCampaign(share.campaign());
        Campaign.Content content = campaign == null ? null : campaign.content(share.content());
        if (content == null) {
            return ResponseEntity.notFound().build();
        }
        String visitor = cookie(request, VISITOR_COOKIE);
        if (visitor == null || visitor.isBlank() || visitor.length() > 100) {
            visitor = UUID.randomUUID().toString();
        }
        String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
        String excluded = isBot(userAgent) ? "bot"
                : share.sharer().equals(shares.sharerOf(cookie(request, ShareController.SHARER_COOKIE)))
                        || share.sharer().equals(visitor) ? "self" : null;
        Instant now = clock.instant();
        // Signed, carrying this visitor: the landing page's snippet reports it from a visitor id of its own.
        String click = clickIds.issue(visitor, now, excluded == null);
        // The visitor gets the content whatever happens; a click Kafka does not take waits in the outbox.
        outbox.publishOrKeep(messages.accept("track", clickEvent(click, share, content, visitor, channel, request,
                userAgent, excluded), now));
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, landing(content.url(), share, channel, click))
                .header(HttpHeaders.SET_COOKIE, ResponseCookie.from(VISITOR_COOKIE, visitor).path("/")
                        .maxAge(Duration.ofDays(730)).sameSite("Lax").build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @Operation(summary = "The share link as a QR code (PNG), for posters and messaging apps")
    @GetMapping(path = "/{code}/qr.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> qr(@PathVariable String code, @RequestParam(defaultValue = "300") int size) throws IOException {
        if (shares.genuine(code) == null) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).header(HttpHeaders.CACHE_CONTROL, "max-age=86400")
                .body(png(shares.url(code), Math.max(100, Math.min(size, 1000))));
    }

    @Operation(summary = "Re-share: the visitor (cookie baton_aid) gets their own child link of this one")
    @PostMapping("/{code}/reshare")
    ResponseEntity<Shares.ShareLink> reshare(@PathVariable String code, @RequestParam(required = false) String name,
                                             @RequestParam(name = "c", required = false) String channel,
                                             HttpServletRequest request) {
        if (shares.genuine(code) == null) {
            return ResponseEntity.notFound().build();
        }
        String visitor = cookie(request, VISITOR_COOKIE);
        if (visitor == null || visitor.isBlank()) {
            visitor = UUID.randomUUID().toString();
        }
        Share child = shares.reshare(code, visitor, name, channel);
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.SET_COOKIE, ResponseCookie.from(VISITOR_COOKIE, visitor).path("/")
                        .maxAge(Duration.ofDays(730)).sameSite("Lax").build().toString())
                .body(shares.link(child));
    }

    private ObjectNode clickEvent(String click, Share share, Campaign.Content content, String visitor, String channel,
                                  HttpServletRequest request, String userAgent, String excluded) {
        ObjectNode event = json.createObjectNode();
        event.put("event", "Share Clicked");
        event.put("anonymousId", visitor);
        event.put("messageId", click);
        ObjectNode properties = event.putObject("properties");
        properties.put("share", share.code());
        properties.put("campaign", share.campaign());
        properties.put("content", share.content());
        properties.put("sharer", share.sharer());
        properties.put("sharerKind", share.sharerKind());
        properties.put("rootEmployee", share.rootEmployee());
        properties.put("rootTeam", share.rootTeam());
        properties.put("depth", share.depth());
        properties.set("chain", json.valueToTree(share.chain()));
        properties.set("chainSharers", json.valueToTree(share.chainSharers()));
        properties.put("channel", channel != null ? channel : share.channel());
        properties.put("referrer", request.getHeader(HttpHeaders.REFERER));
        if (excluded != null) {
            properties.put("excluded", excluded);
        }
        if (content.tracked()) {
            properties.put("expectsJs", true); // the page's snippet will report this click (bt_c)
        }
        ObjectNode context = event.putObject("context");
        String address = request.getRemoteAddr(); // a forwarded one when our proxy sent it
        context.put("ip", address != null && IP_ADDRESS.matcher(address).matches() ? address : null);
        context.put("userAgent", userAgent);
        return event;
    }

    static boolean isBot(String userAgent) {
        return userAgent == null || userAgent.isBlank() || BOTS.matcher(userAgent).find();
    }

    /** The content's address with UTM parameters, the share ({@code bt_s}) and this click ({@code bt_c}, for t.js). */
    private static String landing(String url, Share share, String channel, String click) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        parameters.put("utm_source", "baton");
        parameters.put("utm_medium", channel != null ? channel : share.channel() != null ? share.channel() : "share");
        parameters.put("utm_campaign", share.campaign());
        parameters.put("bt_s", share.code());
        parameters.put("bt_c", click);
        StringBuilder location = new StringBuilder(url);
        int fragment = url.indexOf('#');
        String hash = fragment < 0 ? "" : url.substring(fragment);
        if (fragment >= 0) {
            location.setLength(fragment);
        }
        location.append(location.indexOf("?") < 0 ? '?' : '&');
        parameters.forEach((k, v) -> location.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        location.setLength(location.length() - 1);
        return location + hash;
    }

    private static String cookie(HttpServletRequest request, String name) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static byte[] png(String text, int size) throws IOException {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                    Map.of(EncodeHintType.MARGIN, 2));
            BufferedImage image = new BufferedImage(matrix.getWidth(), matrix.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
            for (int x = 0; x < matrix.getWidth(); x++) {
                for (int y = 0; y < matrix.getHeight(); y++) {
                    image.setRGB(x, y, matrix.get(x, y) ? 0x000000 : 0xFFFFFF);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IOException("QR code of " + text + " could not be made: " + e.getMessage(), e);
        }
    }
}
