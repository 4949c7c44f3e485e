package dev.baton.engine.journeys;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.journeys.*}: how signals reach journeys.
 *
 * @param signalTtl     how long a signal no journey step waits for yet is kept for one that will
 *                      (a journey may declare longer per message: process property {@code ttl:<message>})
 * @param sweepInterval how often every node looks for kept signals a step now waits for, and for expired ones
 * @param hotHandoff    the journey a lead that turns hot outside any journey starts (blank: none)
 */
@ConfigurationProperties("baton.journeys")
public record JourneySettings(Duration signalTtl, Duration sweepInterval, String hotHandoff) {
    public static final JourneySettings DEFAULTS = new JourneySettings(null, null, null);

    public JourneySettings {
        signalTtl = signalTtl == null ? Duration.ofHours(1) : signalTtl;
        sweepInterval = sweepInterval == null ? Duration.ofSeconds(1) : sweepInterval;
        hotHandoff = hotHandoff == null ? "baton-sales-handoff" : hotHandoff.strip();
    }
}
