package dev.baton.engine.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Lead ids. A person first seen without a device gets an opaque id derived from their first
 * strong id ({@code ld-} and 24 hex digits of its SHA-256): deterministic, so a replay or a
 * concurrent first sighting on another node reaches the same lead, and never the email, phone
 * or userId itself (those change, merge and must be erasable). A visitor keeps the lead named
 * after its device, also once identified.
 */
public final class LeadIds {
    private LeadIds() {
    }

    public static String forPerson(String strongKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(strongKey.getBytes(StandardCharsets.UTF_8));
            return "ld-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The identity keys under which any id a user may hold (userId, email, phone, anonymous id) is mapped. */
    public static List<String> keysFor(String id) {
        List<String> keys = new ArrayList<>(4);
        keys.add("user:" + id);
        String email = PersonIds.normaliseEmail(id);
        if (email != null) {
            keys.add("email:" + email);
        }
        String phone = PersonIds.normalisePhone(id);
        if (phone != null) {
            keys.add("phone:" + phone);
        }
        keys.add("anon:" + id);
        return keys;
    }
}
