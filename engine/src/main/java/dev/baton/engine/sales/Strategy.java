package dev.baton.engine.sales;

/**
 * One link of an assignment chain: filters narrow the eligible reps, a pick chooses one.
 * Written as in {@code baton.sales.chain}: {@code territory, industry, language, sharer-team}
 * (filters), then {@code round-robin} or {@code least-open} (pick).
 */
public enum Strategy {
    TERRITORY, INDUSTRY, LANGUAGE, SHARER_TEAM, ROUND_ROBIN, LEAST_OPEN;

    public boolean isPick() {
        return this == ROUND_ROBIN || this == LEAST_OPEN;
    }

    public static Strategy parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown assignment strategy '" + text + "'; known: territory, industry,"
                    + " language, sharer-team, round-robin, least-open");
        }
    }
}
