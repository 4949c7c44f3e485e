package dev.baton.engine.leads;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes a {@code Tier Changed} event to the events topic whenever a lead moves tier (by an
 * event, a merge or decay), so journeys can react to it. The event is Segment-shaped and lands
 * in the lead's history like any other, as an {@link EngineEvents engine-made event} (filed under
 * the lead without identity resolution, and not scored).
 *
 * <p>Published before the lead is written: a retry after a failed write publishes it again
 * under the same message id, which the pipeline stores once.
 */
@Component
class TierChanges {
    /** The event name; other readers of stored events (the simulation) skip events of this name. */
    public static final String EVENT = "Tier Changed";
    private static final Logger log = LoggerFactory.getLogger(TierChanges.class);

    private final EngineEvents events;

    TierChanges(EngineEvents events) {
        this.events = events;
    }

    /**
     * @param cause    "event", "merge" or "decay"
     * @param causeId  what caused it (the triggering message id, or the decay instant), so the
     *                 same change always gets the same message id
     */
    record TierChange(String leadId, String from, String to, int score, String ruleSetVersion, String cause,
                      String causeId, Instant at) {
        String messageId() {
            return "tier-changed:" + leadId + ":" + cause + ":" + causeId;
        }
    }

    /** Sends the changes and waits until Kafka has them all; throws (the caller retries) when it does not. */
    void publish(List<TierChange> changes) throws IOException {
        List<EngineEvents.EngineEvent> tierEvents = new ArrayList<>(changes.size());
        for (TierChange change : changes) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("from", change.from());
            properties.put("to", change.to());
            properties.put("score", change.score());
            properties.put("ruleSetVersion", change.ruleSetVersion());
            properties.put("cause", change.cause());
            properties.put("causeId", change.causeId());
            tierEvents.add(new EngineEvents.EngineEvent(change.leadId(), EVENT, change.messageId(), change.at(), properties));
        }
        events.publish(tierEvents);
        changes.forEach(change -> log.info("Lead {} moved from {} to {} (score {}, {})", change.leadId(),
                change.from(), change.to(), change.score(), change.cause()));
    }
}
