package dev.baton.engine.advocacy;

/**
 * Field names of the share-link and share-click indices, which advocacy owns, for features that
 * count links and clicks (the funnel): one place to change them.
 */
public final class LinkFields {
    /** A link's short code, on the link and on each click through it. */
    public static final String CODE = "code";
    public static final String CAMPAIGN = "campaign";
    /** When a link was made. */
    public static final String CREATED_AT = "createdAt";
    /** When a click happened. */
    public static final String CLICKED_AT = "at";
    /** A click counted as reach (not the sharer's own, not a bot's). */
    public static final String COUNTED = "counted";

    private LinkFields() {
    }
}
