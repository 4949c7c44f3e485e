package dev.baton.engine.leads;

/** Field names of the leads index that other features query (segments, the funnel…): one place to change them. */
public final class LeadFields {
    public static final String ID = "id";
    public static final String TIER = "tier";
    public static final String SCORE = "score";
    public static final String TAGS = "tags";
    /** A flattened field: {@code traits.<name>} holds each trait as text. */
    public static final String TRAITS = "traits";
    public static final String USER_IDS = "userIds";
    public static final String EMAILS = "emails";
    public static final String PHONES = "phones";
    /** The visitor ids (devices, landing pages) the lead was seen under. */
    public static final String ANONYMOUS_IDS = "anonymousIds";
    /** Events the lead sent and was scored on (Baton's own sends are not among them). */
    public static final String EVENT_COUNT = "eventCount";
    public static final String FIRST_SEEN = "firstSeen";
    public static final String LAST_SEEN = "lastSeen";
    public static final String MERGED_INTO = "mergedInto";
    /** Ids of the leads folded into this one. */
    public static final String MERGED_LEADS = "mergedLeads";
    public static final String UNSUBSCRIBED = "unsubscribed";
    /** Numeric traits, sortable as text: see {@link SortableNumber}. */
    public static final String TRAIT_NUMBERS = "traitNumbers";
    /** {@code behaviour.<key>.at}: see {@link Counted}. */
    public static final String BEHAVIOUR = "behaviour";
    /** The first share that brought the lead: {@code brought.employee}, {@code .team}, {@code .campaign}, {@code .share}; see {@link Brought}. */
    public static final String BROUGHT = "brought";
    /** A flattened field: {@code journeys.<journey key>.state}, {@code .step}, {@code .end}; see {@link JourneyState}. */
    public static final String JOURNEYS = "journeys";
    /** The segments a lead is in. */
    public static final String SEGMENTS_IN = "segments.in";

    private LeadFields() {
    }
}
