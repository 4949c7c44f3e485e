package dev.baton.engine.journeys;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the journeys side holds, read from the Camunda database at each scrape, so every node
 * reports the same figures: signals kept for a step not waiting yet, signals that expired unused,
 * and open incidents (steps that failed for good and wait for an operator in Cockpit).
 */
@Component
class JourneyMetrics {

    JourneyMetrics(MeterRegistry metrics, JdbcTemplate jdbc, RuntimeService runtime) {
        gauge(metrics, "baton.journeys.signals.kept", "Journey signals kept until a journey step waits for them",
                () -> jdbc.queryForObject("SELECT count(*) FROM baton_journey_buffer", Long.class));
        gauge(metrics, "baton.journeys.signals.expired", "Kept journey signals that expired before any step waited for them",
                () -> jdbc.queryForObject("SELECT coalesce(sum(expired), 0) FROM baton_journey_buffer_expired", Long.class));
        gauge(metrics, "baton.journeys.incidents", "Open Camunda incidents (failed steps waiting for an operator)",
                () -> runtime.createIncidentQuery().count());
    }

    /** NaN while the database does not answer: a gap in the graph, not a false zero. */
    private static void gauge(MeterRegistry metrics, String name, String description, Supplier<Long> value) {
        Gauge.builder(name, () -> {
            try {
                Long read = value.get();
                return read == null ? 0 : read;
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(description).register(metrics);
    }
}
