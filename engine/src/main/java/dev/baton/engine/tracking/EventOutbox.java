package dev.baton.engine.tracking;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Events Baton records on a visitor's behalf where nobody could retry them (a share-link click:
 * the browser has already been sent on). They go to this node's {@link EventJournal}; only when
 * its disk does not take one is it published at once, and if Kafka does not take it either, kept
 * in the Camunda database ({@code baton_event_outbox}), which every node shares, and sent on when
 * Kafka answers again, by whichever node gets there first: an outage delays them, it does not
 * lose them.
 * Sending one twice is harmless; every consumer counts a message id once.
 *
 * <p>After a failed send a node writes to the outbox straight away for a while instead of making
 * each visitor wait for Kafka's timeout again.
 */
@Component
public class EventOutbox {
    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);
    private static final int BATCH = 500;
    private static final Duration BYPASS = Duration.ofSeconds(15);
    private final JdbcTemplate jdbc;
    private final EventPublisher publisher;
    private final TrackingMessages messages;
    private final Clock clock;
    private final EventJournal journal;
    private volatile Instant bypassUntil = Instant.MIN;

    EventOutbox(JdbcTemplate jdbc, EventPublisher publisher, TrackingMessages messages, Clock clock, EventJournal journal) {
        this.journal = journal;
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.messages = messages;
        this.clock = clock;
    }

    /**
     * Makes sure the event reaches Kafka without making the caller wait for it: journaled on this
     * node's disk (sent on moments later, {@link EventJournal}), or, when the disk does not take
     * it, published now or kept here when Kafka does not take it; never throws for Kafka.
     */
    public void publishOrKeep(TrackedEvent event) {
        if (journal.append(event)) {
            return;
        }
        if (clock.instant().isBefore(bypassUntil)) {
            keep(event, "Kafka failed moments ago");
            return;
        }
        try {
            publisher.publish(List.of(event));
        } catch (EventPublisher.EventBusUnavailableException e) {
            bypassUntil = clock.instant().plus(BYPASS);
            keep(event, e.getMessage());
        }
    }

    private void keep(TrackedEvent event, String why) {
        jdbc.update("INSERT INTO baton_event_outbox (message_id, payload, created_at) VALUES (?, ?, ?)",
                event.messageId(), messages.toKafka(event), Timestamp.from(clock.instant()));
        log.warn("{} {} kept in the outbox until Kafka takes it ({})", event.event(), event.messageId(), why);
    }

    /** How many events wait for Kafka. */
    public int waiting() {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM baton_event_outbox", Integer.class);
        return count == null ? 0 : count;
    }

    /** Sends the waiting events on, oldest first, a batch at a time, while Kafka takes them. */
    @Scheduled(fixedDelayString = "PT5S", initialDelayString = "PT5S")
    void relay() {
        try {
            int sent = 0;
            while (true) {
                List<String> payloads = jdbc.queryForList(
                        "SELECT payload FROM baton_event_outbox ORDER BY created_at, message_id FETCH FIRST " + BATCH + " ROWS ONLY",
                        String.class);
                if (payloads.isEmpty()) {
                    break;
                }
                List<TrackedEvent> events = payloads.stream().map(messages::fromKafka).toList();
                publisher.publish(events);
                jdbc.batchUpdate("DELETE FROM baton_event_outbox WHERE message_id = ?",
                        events.stream().map(e -> new Object[] {e.messageId()}).toList());
                sent += events.size();
                if (payloads.size() < BATCH) {
                    break;
                }
            }
            if (sent > 0) {
                bypassUntil = Instant.MIN;
                log.info("Sent {} events from the outbox to Kafka", sent);
            }
        } catch (EventPublisher.EventBusUnavailableException e) {
            log.debug("Outbox waits for Kafka: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Relaying the event outbox failed, will retry: {}", e.getMessage());
        }
    }
}
