package dev.baton.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lead as rules see it before the current event: its score so far, tier, tags, traits and
 * recent activity. Read-only: rules change a lead only through {@link ScoreCard}, so every
 * change has a reason.
 */
public final class Lead {
    private final String id;
    private final int score;
    private final String tier;
    private final Set<String> tags;
    private final Map<String, Object> traits;
    private final List<Activity> recent;
    private final Instant asOf;
    private final Instant firstSeen;

    public Lead(String id, int score, String tier, Set<String> tags, Map<String, Object> traits) {
        this(id, score, tier, tags, traits, List.of(), null, null);
    }

    public Lead(String id, int score, String tier, Set<String> tags, Map<String, Object> traits,
                List<Activity> recent, Instant asOf) {
        this(id, score, tier, tags, traits, recent, asOf, null);
    }

    /**
     * @param recent what the lead did before the current event, oldest first
     * @param asOf      the current event's instant: {@link #recentCount} counts back from it
     * @param firstSeen the lead's first event before this one (null for a new lead)
     */
    public Lead(String id, int score, String tier, Set<String> tags, Map<String, Object> traits,
                List<Activity> recent, Instant asOf, Instant firstSeen) {
        this.id = Objects.requireNonNull(id, "id");
        this.score = score;
        this.tier = tier;
        this.tags = tags == null ? Set.of() : Set.copyOf(tags);
        this.traits = traits == null ? Map.of() : copyWithoutNulls(traits);
        this.recent = recent == null ? List.of() : List.copyOf(recent);
        this.asOf = asOf;
        this.firstSeen = firstSeen;
    }

    private static Map<String, Object> copyWithoutNulls(Map<String, Object> map) {
        if (map.values().stream().noneMatch(java.util.Objects::isNull)) {
            return Map.copyOf(map); // the same map when it is already an immutable copy
        }
        var copy = new java.util.HashMap<String, Object>();
        map.forEach((k, v) -> { if (v != null) copy.put(k, v); });
        return Map.copyOf(copy);
    }

    public String getId() { return id; }
    public int getScore() { return score; }
    public String getTier() { return tier; }
    public Set<String> getTags() { return tags; }
    public Map<String, Object> getTraits() { return traits; }
    public List<Activity> getRecent() { return recent; }

    public boolean hasTag(String tag) { return tags.contains(tag); }

    /** The lead's first event before this one; null for a new lead. */
    public Instant getFirstSeen() { return firstSeen; }

    /** The lead's latest event before this one (from its recent activity); null for a new lead. */
    public Instant getLastSeen() { return recent.isEmpty() ? null : recent.get(recent.size() - 1).at(); }

    /** Whole days between the lead's first event and the current one (0 for a new lead). */
    public long daysKnown() {
        return firstSeen == null || asOf == null ? 0 : java.time.Duration.between(firstSeen, asOf).toDays();
    }

    /**
     * A trait as text, or {@code ""} when absent; a dotted path reads into nested traits
     * ({@code trait("company.industry")}), so rules need no null checks.
     */
    public String trait(String path) {
        Object value = lookup(path);
        return value == null || value instanceof Map ? "" : value.toString();
    }

    /**
     * Whether a trait contains any of the comma-separated words or phrases, as whole words and
     * ignoring case: {@code traitHasAny("title", "vp, vice president, director")}. Cheaper than a
     * regular expression per event, and reads like the list a marketer keeps.
     */
    public boolean traitHasAny(String path, String words) {
        String value = trait(path).toLowerCase(java.util.Locale.ROOT);
        if (value.isEmpty()) {
            return false;
        }
        for (String word : LISTS.computeIfAbsent(words, Lead::split)) {
            for (int at = value.indexOf(word); at >= 0; at = value.indexOf(word, at + 1)) {
                int end = at + word.length();
                if ((at == 0 || !Character.isLetterOrDigit(value.charAt(at - 1)))
                        && (end == value.length() || !Character.isLetterOrDigit(value.charAt(end)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a trait is one of the comma-separated values, ignoring case: {@code traitIsAny("industry", "software, saas")}. */
    public boolean traitIsAny(String path, String values) {
        String value = trait(path).strip().toLowerCase(java.util.Locale.ROOT);
        return !value.isEmpty() && LISTS.computeIfAbsent(values, Lead::split).contains(value);
    }

    private static final java.util.concurrent.ConcurrentMap<String, List<String>> LISTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static List<String> split(String list) {
        return java.util.Arrays.stream(list.split(",")).map(w -> w.strip().toLowerCase(java.util.Locale.ROOT))
                .filter(w -> !w.isEmpty()).toList();
    }

    /** A numeric trait ({@code number("employees") >= 1000}), or -1 when absent or not a number. */
    public double number(String path) {
        Object value = lookup(path);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return value == null ? -1 : Double.parseDouble(value.toString().replace(",", "").strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Object lookup(String path) {
        Object value = traits;
        for (String key : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value;
    }

    /**
     * How many times the lead did {@code name} (in {@code category}, or any category when "") in
     * the {@code days} before the current event, that event not counted.
     */
    public int recentCount(String name, String category, int days) {
        if (asOf == null) {
            return 0;
        }
        Instant since = asOf.minus(java.time.Duration.ofDays(days));
        int count = 0;
        for (Activity a : recent) {
            if (a.name().equals(name) && (category.isEmpty() || a.category().equals(category))
                    && !a.at().isBefore(since) && !a.at().isAfter(asOf)) {
                count++;
            }
        }
        return count;
    }
}
