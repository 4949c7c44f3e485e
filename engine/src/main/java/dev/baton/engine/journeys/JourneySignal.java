package dev.baton.engine.journeys;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A behaviour event a journey may wait for, after identity resolution: which lead it belongs to
 * (the process business key), the ids that lead was known by before (a visitor's journey
 * started under its visitor id continues under the lead id), and the lead's tier once the event
 * was scored (journeys branch on it), and whether the lead is known (identified) or still an
 * anonymous visitor (null: not said, taken as known).
 */
public record JourneySignal(String messageId, String leadId, List<String> formerIds, String event,
                            Map<String, Object> properties, Instant at, String tier, Boolean known) {
    /** Not a behaviour event: "enter journey {@code properties.journey}" on request (job {@code properties.job}). */
    public static final String ENTRY = "Journey Entry";

    /** The signal that enters a lead into a journey for an entry job; entering twice for one job is one entry. */
    public static JourneySignal entry(String job, String journey, String leadId, Instant at) {
        return new JourneySignal("entry:" + job + ":" + leadId, leadId, List.of(), ENTRY,
                Map.of("journey", journey, "job", job), at, null, Boolean.TRUE);
    }

    public JourneySignal(String messageId, String leadId, List<String> formerIds, String event,
                         Map<String, Object> properties, Instant at) {
        this(messageId, leadId, formerIds, event, properties, at, null, null);
    }

    @JsonCreator
    public JourneySignal {
        formerIds = formerIds == null ? List.of() : List.copyOf(formerIds);
        properties = properties == null ? Map.of() : properties;
    }
}
