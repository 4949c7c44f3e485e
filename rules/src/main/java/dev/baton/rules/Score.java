package dev.baton.rules;

/**
 * The lead's score after the current event's points, which tier rules band
 * ({@code Score(total >= 60)}). Inserted only once the points rules have fired.
 *
 * @param total        behaviour plus fit points
 * @param previousTier the tier before this event (null for a new lead)
 */
public record Score(int total, String previousTier) {
    // Accessors in JavaBean form for DRL constraints such as Score(total >= 60).
    public int getTotal() { return total; }
    public String getPreviousTier() { return previousTier; }
}
