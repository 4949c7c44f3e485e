package dev.baton.engine.advocacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Share codes: 72 random bits (unguessable) followed by 48 bits of an HMAC over them, 20 URL-safe
 * characters in all. A code that was not made here, or was altered, fails the signature check
 * before anything is looked up or recorded. Every node signs with the same secret.
 */
final class ShareCodes {
    private static final int ID_CHARS = 12;
    private static final int SIGNATURE_CHARS = 8;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();
    private final byte[] secret;

    ShareCodes(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the share link secret needs at least 16 characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    String next() {
        byte[] id = new byte[9];
        random.nextBytes(id);
        String idPart = BASE64.encodeToString(id);
        return idPart + signature(idPart);
    }

    /** True when the code is one this installation made, unaltered. */
    boolean isGenuine(String code) {
        if (code == null || code.length() != ID_CHARS + SIGNATURE_CHARS) {
            return false;
        }
        String idPart = code.substring(0, ID_CHARS);
        return MessageDigest.isEqual(signature(idPart).getBytes(StandardCharsets.US_ASCII),
                code.substring(ID_CHARS).getBytes(StandardCharsets.US_ASCII));
    }

    /** 48 bits of HMAC over the code's random part, URL-safe (short: it is in every link). */
    private String signature(String idPart) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal(idPart.getBytes(StandardCharsets.UTF_8));
            return BASE64.encodeToString(java.util.Arrays.copyOf(digest, 6));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
