package dev.baton.engine.journeys;

/**
 * The message a journey names to start on, or wait for, a lead entering or leaving a segment:
 * {@code Segment Entered: <segment id>} / {@code Segment Left: <segment id>}, made from the
 * {@code Segment Entered} / {@code Segment Left} events the segments feature records.
 */
final class SegmentMessages {
    static final String ENTERED = "Segment Entered";
    static final String LEFT = "Segment Left";

    private SegmentMessages() {
    }

    /** Whether the event is a segment move. */
    static boolean isMove(String event) {
        return ENTERED.equals(event) || LEFT.equals(event);
    }

    /** The message of a move ({@link #ENTERED} or {@link #LEFT}) of a segment. */
    static String of(String move, String segment) {
        return move + ": " + segment;
    }
}
