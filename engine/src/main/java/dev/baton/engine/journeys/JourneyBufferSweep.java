package dev.baton.engine.journeys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every node, every {@code baton.journeys.sweep-interval}: kept signals that a journey step now
 * waits for (it got there after an external task or a timer, not after a signal of the lead) are
 * delivered; expired ones are counted. A failed sweep (database away) is tried again next time.
 */
@Component
class JourneyBufferSweep {
    private static final Logger log = LoggerFactory.getLogger(JourneyBufferSweep.class);
    private final JourneyCorrelator correlator;

    JourneyBufferSweep(JourneyCorrelator correlator) {
        this.correlator = correlator;
    }

    @Scheduled(fixedDelayString = "${baton.journeys.sweep-interval:PT1S}")
    void sweep() {
        try {
            correlator.sweepBuffer();
        } catch (RuntimeException e) {
            log.warn("Kept journey signals not swept this time, will try again: {}", e.getMessage());
        }
    }
}
