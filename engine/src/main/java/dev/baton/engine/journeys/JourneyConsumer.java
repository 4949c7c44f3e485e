package dev.baton.engine.journeys;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.tracking.DeadLetters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The journeys consumer group: reads journey signals (keyed by lead, so one lead's signals
 * arrive in order) and correlates them. A batch that fails is retried with growing pauses;
 * signals already correlated are recognised and skipped. While Camunda's database is away that
 * goes on for as long as it takes: outages delay journeys, they do not drop signals. A signal
 * that keeps failing with the database answering ({@code baton.journeys.give-up-after}, 5 min)
 * fails for a reason of its own (a journey that cannot start, say): it is parked on the
 * dead-letter topic with that reason, so the lead's later signals and the partition's other leads
 * go on.
 *
 * <p>Its consumer group is {@code <spring.kafka.consumer.group-id>-journeys}, shared by every node
 * so each signal is correlated once. {@code baton.kafka.journeys-group} overrides it: a test gives
 * two engine processes groups of their own to force every signal onto both at once.
 */
@Component
class JourneyConsumer {
    private static final Logger log = LoggerFactory.getLogger(JourneyConsumer.class);
    /** Signals correlated in one transaction at most: one commit for many, locks held briefly. */
    static final int TRANSACTION = 50;
    private final JourneyCorrelator correlator;
    private final DeadLetters deadLetters;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration giveUpAfter;
    /** Since when each failing signal (topic-partition@offset) has failed; a few entries at most. */
    private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    JourneyConsumer(JourneyCorrelator correlator, DeadLetters deadLetters, JdbcTemplate jdbc, ObjectMapper json, Clock clock,
                    @Value("${baton.journeys.give-up-after:PT5M}") Duration giveUpAfter,
                    io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        for (String outcome : List.of("started", "continued", "kept", "duplicate")) {
            metrics.counter("baton.journeys.signals", "outcome", outcome);
        }
        this.correlator = correlator;
        this.deadLetters = deadLetters;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.giveUpAfter = giveUpAfter;
    }

    @KafkaListener(id = "baton-journeys", topics = "${baton.kafka.journeys-topic:${baton.kafka.events-topic}.journeys}",
            groupId = "${baton.kafka.journeys-group:${spring.kafka.consumer.group-id}-journeys}", batch = "true", containerFactory = "eventsListenerFactory",
            autoStartup = "${baton.consumers.enabled:true}",
            // Journey signals are few (only what a journey uses): fetch each at once instead of waiting to fill a batch.
            properties = "fetch.min.bytes=1")
    void onSignals(List<ConsumerRecord<String, String>> records) throws IOException {
        List<ConsumerRecord<String, String>> readable = new ArrayList<>(records.size());
        List<JourneySignal> signals = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            try {
                signals.add(json.readValue(record.value(), JourneySignal.class));
                readable.add(record);
            } catch (IOException e) {
                log.error("Unreadable journey signal at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        for (int from = 0; from < signals.size(); from += TRANSACTION) {
            int to = Math.min(signals.size(), from + TRANSACTION);
            correlate(readable.subList(from, to), signals.subList(from, to));
        }
    }

    /**
     * Signals of a poll in one transaction (one commit), at most {@link #TRANSACTION} at a time so
     * that locks are held briefly; when any fails (or one of them failed before), one by one.
     */
    private void correlate(List<ConsumerRecord<String, String>> records, List<JourneySignal> signals) {
        if (signals.size() > 1 && records.stream().noneMatch(record -> failingSince.containsKey(at(record)))) {
            try {
                correlator.correlateAll(signals).forEach(this::count);
                return;
            } catch (RuntimeException e) {
                log.info("{} journey signals failed together ({}); correlating them one by one", signals.size(),
                        e.getMessage());
            }
        }
        for (int i = 0; i < signals.size(); i++) {
            ConsumerRecord<String, String> record = records.get(i);
            JourneySignal signal = signals.get(i);
            String at = at(record);
            try {
                count(correlator.correlate(signal));
                if (!failingSince.isEmpty()) {
                    failingSince.remove(at);
                }
            } catch (RuntimeException e) {
                Instant since = failingSince.computeIfAbsent(at, k -> clock.instant());
                if (clock.instant().isBefore(since.plus(giveUpAfter)) || !databaseAnswers()) {
                    log.warn("Journey signal {} ({} of lead {}) not correlated yet, will retry: {}", signal.messageId(),
                            signal.event(), signal.leadId(), e.getMessage());
                    throw e;
                }
                deadLetters.send(record, "journey signal " + signal.event() + " of lead " + signal.leadId()
                        + " failed for " + giveUpAfter + " with the database answering: " + e.getMessage());
                failingSince.remove(at); // only once parked: a failed send keeps its clock
                log.error("Journey signal {} ({} of lead {}) parked on the dead-letter topic after failing for {}: {}",
                        signal.messageId(), signal.event(), signal.leadId(), giveUpAfter, e.getMessage());
            }
        }
    }

    private static String at(ConsumerRecord<String, String> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private void count(JourneyCorrelator.Outcome outcome) {
        metrics.counter("baton.journeys.signals", "outcome", outcome.duplicate() ? "duplicate"
                : !outcome.started().isEmpty() ? "started" : outcome.delivered() > 0 ? "continued" : "kept").increment();
    }

    private boolean databaseAnswers() {
        try {
            jdbc.queryForObject("SELECT 1", Integer.class);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
