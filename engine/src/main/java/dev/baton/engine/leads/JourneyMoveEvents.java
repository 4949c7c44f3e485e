package dev.baton.engine.leads;

import dev.baton.engine.journeys.JourneyMovePublisher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Journey moves as engine events (Journey Entered, Journey Step Reached, Journey Finished,
 * Journey Left) on the lead's partition, which the pipeline keeps on the profile ({@link
 * JourneyState}). An instance's business key is usually the lead's id; one started by hand may
 * carry another id the person is known by (an email): it is resolved to the live lead first, so
 * no move makes a profile of its own. A move of nobody Baton knows is left out.
 */
@Component
class JourneyMoveEvents implements JourneyMovePublisher {
    private static final Logger log = LoggerFactory.getLogger(JourneyMoveEvents.class);
    private final LeadStore leads;
    private final EngineEvents events;

    JourneyMoveEvents(LeadStore leads, EngineEvents events) {
        this.leads = leads;
        this.events = events;
    }

    @Override
    public void publish(List<JourneyMove> moves) throws IOException {
        Map<String, String> leadOf = resolve(moves.stream().map(JourneyMove::businessKey).collect(
                java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        List<EngineEvents.EngineEvent> moved = new ArrayList<>(moves.size());
        for (JourneyMove move : moves) {
            String lead = leadOf.get(move.businessKey());
            if (lead == null) {
                log.debug("Journey {} move of '{}', whom no lead is known by, left out", move.journey(), move.businessKey());
                continue;
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("journey", move.journey());
            properties.put("instance", move.instance());
            properties.put("seq", move.seq());
            if (move.detail() != null) {
                properties.put(JourneyMove.STEP.equals(move.kind()) ? "step" : "end", move.detail());
            }
            moved.add(new EngineEvents.EngineEvent(lead, eventOf(move.kind()), move.messageId(), move.at(), properties));
        }
        events.publish(moved);
    }

    private static String eventOf(String kind) {
        return switch (kind) {
            case JourneyMove.ENTERED -> JourneyState.ENTERED;
            case JourneyMove.STEP -> JourneyState.STEP_REACHED;
            case JourneyMove.FINISHED -> JourneyState.FINISHED_EVENT;
            default -> JourneyState.LEFT_EVENT;
        };
    }

    /** The live lead of each business key: one read for those that are lead ids, a lookup for the rest. */
    private Map<String, String> resolve(Set<String> keys) {
        Map<String, String> leadOf = new HashMap<>();
        Map<String, LeadProfile> live = leads.readAll(keys);
        for (String key : keys) {
            if (live.containsKey(key)) {
                leadOf.put(key, key);
                continue;
            }
            try {
                leadOf.put(key, leads.get(key).id()); // merged since, or another id of the person
            } catch (LeadNotFoundException nobody) {
                // not a lead (yet): nothing to keep
            }
        }
        return leadOf;
    }
}
