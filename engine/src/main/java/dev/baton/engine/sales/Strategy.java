package dev.baton.engine.sales;

/**
 * One link of an assignment chain: filters narrow the eligible reps, a pick chooses one.
 * Written as in {@code baton.sales.chain}: {@code territory, industry, language, sharer-team,
 * rules} (filters; {@code rules} is the Drools assignment rule set), then {@code round-robin} or
 * {@code least-open} (pick).
 */
enum Strategy {
    TERRITORY, INDUSTRY, LANGUAGE, SHARER_TEAM, RULES, ROUND_ROBIN, LEAST_OPEN;

    public boolean isPick() {
        return this == ROUND_ROBIN || this == LEAST_OPEN;
    }

    /** A chain as written in configuration or a journey: {@code territory, least-open}. */
    public static java.util.List<Strategy> chain(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an assignment chain names at least one strategy, e.g. territory, least-open");
        }
        return java.util.Arrays.stream(text.split(",")).map(Strategy::parse).toList();
    }

    public static Strategy parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown assignment strategy '" + text + "'; known: territory, industry,"
                    + " language, sharer-team, rules, round-robin, least-open");
        }
    }
}
