package dev.baton.engine.leads;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A behaviour a segment counts: events named {@code event} whose properties hold every
 * {@code where} pair, of which the {@code atLeast} most recent are kept on each lead
 * ({@link Counted}) under {@code behaviour.<key>}. The key is derived from the three, so two
 * segments asking the same share one count.
 */
public record TrackedBehaviour(String key, String event, Map<String, String> where, int atLeast) {

    public TrackedBehaviour {
        where = where == null ? Map.of() : Map.copyOf(where);
    }

    public static TrackedBehaviour of(String event, Map<String, String> where, int atLeast) {
        String canonical = event + "\u0000" + new TreeMap<>(where == null ? Map.of() : where) + "\u0000" + atLeast;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return new TrackedBehaviour("b" + HexFormat.of().formatHex(digest, 0, 8), event, where, atLeast);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The indexed field holding the instant of the {@code atLeast}-th most recent occurrence. */
    public String atField() {
        return LeadFields.BEHAVIOUR + "." + key + ".at";
    }

    boolean matches(String name, Map<String, Object> properties) {
        if (!event.equals(name)) {
            return false;
        }
        // As the stored events' flattened properties match a term (the build counts past events so).
        return where.entrySet().stream().allMatch(pair -> FlattenedValues.of(properties, pair.getKey()).contains(pair.getValue()));
    }
}
