package dev.baton.engine.identity;

import dev.baton.engine.tracking.TrackedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The identifiers one event carries, as keys of the identities index: {@code anon:…} for a
 * device, and the strong ones that name a person: {@code user:…}, {@code email:…},
 * {@code phone:…} (normalised: lower-case email, E.164-shaped phone).
 */
public record PersonIds(String anonymousId, String userId, String email, String phone, String previousId,
                        String clickVisitor, String clickId) {
    /** No identifiers (an event replayed for a lead already known). */
    public static final PersonIds NONE = new PersonIds(null, null, null, null, null);

    public PersonIds(String anonymousId, String userId, String email, String phone, String previousId) {
        this(anonymousId, userId, email, phone, previousId, null, null);
    }

    /**
     * These ids and a verified, recent share click the event reports (a landing page's view with
     * {@code bt_c}): the click's visitor (Baton's cookie at the redirect) is the same person as this
     * event's device, on another domain.
     */
    public PersonIds withClick(String visitor, String id) {
        return new PersonIds(anonymousId, userId, email, phone, previousId, visitor, id);
    }

    /** The key that ties a click id to the one device that claimed it first. */
    public String clickKey() {
        return clickId == null ? null : "click:" + clickId;
    }

    public static PersonIds of(TrackedEvent event, Map<String, Object> traits) {
        return new PersonIds(event.anonymousId(), event.userId(), normaliseEmail(traits.get("email")),
                normalisePhone(traits.get("phone")), event.previousId());
    }

    /** Strong identifiers in priority order: the first one already known decides the lead. */
    public List<String> strongKeys() {
        List<String> keys = new ArrayList<>(3);
        if (userId != null) {
            keys.add("user:" + userId);
        }
        if (email != null) {
            keys.add("email:" + email);
        }
        if (phone != null) {
            keys.add("phone:" + phone);
        }
        return keys;
    }

    public String anonymousKey() {
        return anonymousId == null ? null : "anon:" + anonymousId;
    }

    /** Every key this event may look up. */
    public List<String> allKeys() {
        List<String> keys = new ArrayList<>(strongKeys());
        if (anonymousId != null) {
            keys.add(anonymousKey());
        }
        if (previousId != null) {
            keys.add("user:" + previousId);
            keys.add("anon:" + previousId);
        }
        if (clickVisitor != null) {
            keys.add("anon:" + clickVisitor);
            keys.add(clickKey());
        }
        return keys;
    }

    public static String normaliseEmail(Object value) {
        if (value == null) {
            return null;
        }
        String email = value.toString().strip().toLowerCase(Locale.ROOT);
        return email.contains("@") ? email : null;
    }

    /**
     * An international number (+… or 00…) as +digits. A national number cannot be placed without
     * its country, so it identifies nobody here (forms normalise with their region first).
     */
    public static String normalisePhone(Object value) {
        if (value == null) {
            return null;
        }
        String raw = value.toString().strip();
        String digits = raw.replaceAll("[^0-9]", "");
        if (raw.startsWith("00")) {
            digits = digits.substring(2);
        } else if (!raw.startsWith("+")) {
            return null;
        }
        return digits.length() >= 7 && digits.length() <= 15 ? "+" + digits : null;
    }
}
