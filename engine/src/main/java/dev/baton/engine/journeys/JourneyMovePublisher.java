package dev.baton.engine.journeys;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Where journey moves go once their transaction committed (the leads feature keeps them on the
 * profile): implemented outside journeys, so journeys need not know who listens.
 */
public interface JourneyMovePublisher {

    /**
     * Sends the moves on, in the order given, and returns once they are durable; throws when they
     * are not (they are offered again).
     */
    void publish(List<JourneyMove> moves) throws IOException;

    /**
     * One move of a journey instance.
     *
     * @param kind        {@link #ENTERED}, {@link #STEP}, {@link #FINISHED} or {@link #LEFT}
     * @param businessKey the instance's business key: the lead's id, or another id it is known by
     * @param detail      the waiting step's id (step), the end event's id (finished), else null
     * @param seq         the order the moves were recorded in, shared by every node
     */
    record JourneyMove(String kind, String businessKey, String messageId, String journey, String instance, long seq,
                       String detail, Instant at) {
        public static final String ENTERED = "entered";
        public static final String STEP = "step";
        public static final String FINISHED = "finished";
        public static final String LEFT = "left";
    }
}
