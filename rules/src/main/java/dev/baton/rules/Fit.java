package dev.baton.rules;

/**
 * The fit points the fit rules gave the lead for this event, which grade rules band
 * ({@code Fit(points >= 35)}). Inserted with {@link Score}, only when an event is scored.
 */
public record Fit(int points) {
    // JavaBean accessor for DRL constraints.
    public int getPoints() { return points; }
}
