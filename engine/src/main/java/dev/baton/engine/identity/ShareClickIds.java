package dev.baton.engine.identity;

import dev.baton.engine.security.Credentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Share click ids ({@code bt_c} in a landing address, the {@code Share Clicked} event's message
 * id) that prove themselves: each carries the visitor Baton's cookie named at the redirect, the
 * click's time and whether the click was genuine (not the sharer's own, not a bot's), signed with
 * the share-link secret (the same on every node). A landing page on the customer's own domain has
 * a visitor id of its own; the click id it reports is what joins that visitor to the click's, with
 * no lookup and nothing anyone can forge.
 *
 * <p>Layout before URL-safe Base64: version and flags (1 byte), click time in epoch milliseconds
 * (6), random (7: two clicks of one visitor in one millisecond differ, and nobody guesses an id),
 * the visitor (16 bytes when it is a UUID, else its UTF-8), then 96 bits of HMAC-SHA256 over all
 * of that. 56 characters for a UUID visitor.
 */
@Component
public class ShareClickIds {
    /** A verified share click: whose browser clicked (Baton's visitor id), which share, when, genuine or excluded. */
    public record Click(String id, String visitorId, Instant at, boolean genuine) {
    }

    /** A page's clock may run a little behind ours: a report this much before the click still joins. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);
    private static final int VERSION = 1 << 4;
    private static final int VERSION_MASK = 0xF0;
    private static final int GENUINE = 1;
    private static final int UUID_VISITOR = 2;
    private static final int HEADER = 1 + 6 + 7;
    private static final int MAC_BYTES = 12;
    /** The MAC input starts with this, so no other signature made with the share-link secret passes as a click id. */
    private static final byte[] PURPOSE = "share-click:".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;
    private final Duration joinWindow;

    @Autowired
    public ShareClickIds(Credentials credentials, @Value("${baton.advocacy.link-secret:}") String secret,
                         @Value("${baton.advocacy.click-join-window:PT30M}") Duration joinWindow) {
        this(credentials.secretOr(secret, "share-links"), joinWindow);
    }

    public ShareClickIds(String secret, Duration joinWindow) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the share link secret needs at least 16 characters");
        }
        if (joinWindow == null || joinWindow.isNegative() || joinWindow.isZero()) {
            throw new IllegalArgumentException("baton.advocacy.click-join-window must be positive, not " + joinWindow);
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.joinWindow = joinWindow;
    }

    /** A new click id for a click of {@code visitorId} (Baton's cookie) at {@code at}. */
    public String issue(String visitorId, Instant at, boolean genuine) {
        if (visitorId == null || visitorId.isEmpty()) {
            throw new IllegalArgumentException("a share click needs the visitor id it was made for");
        }
        UUID uuid = asUuid(visitorId);
        byte[] visitor = uuid != null
                ? ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array()
                : visitorId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(HEADER + visitor.length);
        body.put((byte) (VERSION | (genuine ? GENUINE : 0) | (uuid != null ? UUID_VISITOR : 0)));
        long millis = at.toEpochMilli();
        body.putShort((short) (millis >>> 32)).putInt((int) millis);
        byte[] nonce = new byte[7];
        random.nextBytes(nonce);
        body.put(nonce).put(visitor);
        byte[] signed = Arrays.copyOf(body.array(), body.capacity() + MAC_BYTES);
        System.arraycopy(mac(body.array()), 0, signed, body.capacity(), MAC_BYTES);
        return ENCODER.encodeToString(signed);
    }

    /** The click this id stands for; empty when it was forged, altered or is no click id of this kind (old random ones). */
    public Optional<Click> verify(String clickId) {
        if (clickId == null || clickId.length() > 200) {
            return Optional.empty();
        }
        byte[] signed;
        try {
            signed = DECODER.decode(clickId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (signed.length < HEADER + 1 + MAC_BYTES || (signed[0] & VERSION_MASK) != VERSION) {
            return Optional.empty();
        }
        byte[] body = Arrays.copyOf(signed, signed.length - MAC_BYTES);
        if (!MessageDigest.isEqual(Arrays.copyOf(mac(body), MAC_BYTES), Arrays.copyOfRange(signed, body.length, signed.length))) {
            return Optional.empty();
        }
        ByteBuffer read = ByteBuffer.wrap(body);
        int flags = read.get();
        long millis = ((read.getShort() & 0xFFFFL) << 32) | (read.getInt() & 0xFFFFFFFFL);
        read.position(HEADER);
        String visitor;
        if ((flags & UUID_VISITOR) != 0) {
            if (read.remaining() != 16) {
                return Optional.empty();
            }
            visitor = new UUID(read.getLong(), read.getLong()).toString();
        } else {
            visitor = new String(body, HEADER, body.length - HEADER, StandardCharsets.UTF_8);
        }
        return Optional.of(new Click(clickId, visitor, Instant.ofEpochMilli(millis), (flags & GENUINE) != 0));
    }

    /**
     * Whether an event seen at {@code seenAt} may join its visitor to this click's: the click was
     * genuine, and the event came within {@code baton.advocacy.click-join-window} after it (or
     * up to {@link #CLOCK_SKEW} before, a page's clock being a little behind).
     */
    public boolean joinable(Click click, Instant seenAt) {
        return click.genuine() && seenAt != null && !seenAt.isBefore(click.at().minus(CLOCK_SKEW))
                && !seenAt.isAfter(click.at().plus(joinWindow));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(PURPOSE);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The visitor id as a UUID when it is one in canonical (lower-case) form, so it round-trips exactly. */
    private static UUID asUuid(String visitorId) {
        if (visitorId.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(visitorId);
            return uuid.toString().equals(visitorId) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
