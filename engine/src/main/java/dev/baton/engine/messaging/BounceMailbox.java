package dev.baton.engine.messaging;

import dev.baton.connectors.email.DeliveryStatusNotifications;
import dev.baton.connectors.email.DeliveryStatusNotifications.Bounce;
import dev.baton.engine.leads.EngineEvents;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the bounce mailbox (the envelope sender of every email, {@code mail.smtp.from}) over
 * IMAP. Each hard bounce in it marks the address, so no email goes there again, and becomes an
 * {@code Email Bounced} event on the lead whose message bounced (found by its Message-ID in the
 * delivery log). A report is flagged seen once handled; handling twice (two nodes reading the
 * same mailbox) changes nothing, as the suppression and the event's id are the same.
 */
@Component
class BounceMailbox implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BounceMailbox.class);
    private final String host;
    private final int port;
    private final String protocol;
    private final String user;
    private final String password;
    private final long pollMillis;
    private final DeliveryLog deliveries;
    private final SendGuards guards;
    private final EngineEvents events;
    private final Clock clock;
    private static final java.time.Duration WAIT_FOR_DELIVERY = java.time.Duration.ofMinutes(10);
    private ScheduledExecutorService poller;
    private volatile boolean failing;

    BounceMailbox(@Value("${baton.email.bounces.imap-host:}") String host,
                  @Value("${baton.email.bounces.imap-port:993}") int port,
                  @Value("${baton.email.bounces.protocol:imap}") String protocol,
                  @Value("${baton.email.bounces.user:bounces@baton.local}") String user,
                  @Value("${baton.email.bounces.password:bounces@baton.local}") String password,
                  @Value("${baton.email.bounces.poll-interval:30s}") java.time.Duration pollInterval,
                  DeliveryLog deliveries, SendGuards guards, EngineEvents events, Clock clock) {
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        this.user = user;
        this.password = password;
        this.pollMillis = pollInterval.toMillis();
        this.deliveries = deliveries;
        this.guards = guards;
        this.events = events;
        this.clock = clock;
    }

    /** Reads the mailbox once; returns how many bounces it handled. */
    int poll() {
        Properties settings = new Properties();
        settings.put("mail." + protocol + ".connectiontimeout", "5000");
        settings.put("mail." + protocol + ".timeout", "10000");
        int handled = 0;
        try (Store store = Session.getInstance(settings).getStore(protocol)) {
            store.connect(host, port, user, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            try {
                for (Message report : inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                    int done = handle(report);
                    // Reading a message marks it seen; one whose lead is not known yet stays unseen for the next poll.
                    report.setFlag(Flags.Flag.SEEN, done >= 0);
                    handled += Math.max(done, 0);
                }
            } finally {
                inbox.close(false);
            }
            if (failing) {
                log.info("Bounce mailbox {}@{}:{} readable again", user, host, port);
                failing = false;
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            // The mailbox or Elasticsearch away: unseen reports stay unseen and are read next time.
            if (!failing) {
                log.warn("Reading the bounce mailbox {}@{}:{} failed, will keep trying (says so when it works again): {}",
                        user, host, port, e.getMessage());
            }
            failing = true;
        }
        return handled;
    }

    /**
     * Handles one report; returns the bounces in it, or -1 when a bounced message of ours is not in
     * the delivery log yet (a bounce can come back before the send is recorded): read again later,
     * for up to {@link #WAIT_FOR_DELIVERY}.
     */
    private int handle(Message report) throws MessagingException, IOException {
        List<Bounce> bounces = DeliveryStatusNotifications.bouncesIn(report);
        List<EngineEvents.EngineEvent> bounced = new ArrayList<>();
        java.util.Date received = report.getReceivedDate();
        boolean young = received != null && received.toInstant().isAfter(clock.instant().minus(WAIT_FOR_DELIVERY));
        for (Bounce bounce : bounces) {
            DeliveryLog.Delivery delivery = bounce.originalMessageId() == null ? null
                    : deliveries.byProviderId(bounce.originalMessageId());
            if (delivery == null && bounce.originalMessageId() != null && young) {
                return -1;
            }
            String leadId = delivery == null ? null : delivery.leadId();
            guards.markBounced("email", bounce.recipient(), leadId, clock.instant());
            log.info("Email to {} bounced ({}){}", bounce.recipient(), bounce.status(),
                    leadId == null ? "; no lead known for it" : ", lead " + leadId);
            if (leadId != null) {
                bounced.add(new EngineEvents.EngineEvent(leadId, "Email Bounced",
                        "email-bounced:" + bounce.originalMessageId() + ":" + bounce.recipient(), clock.instant(),
                        Map.of("to", bounce.recipient(), "status", bounce.status(), "template", delivery.template(),
                                "reason", bounce.diagnostic() == null ? bounce.status() : bounce.diagnostic())));
            }
        }
        events.publish(bounced);
        return bounces.size();
    }

    @Override
    public void start() {
        if (host == null || host.isBlank()) {
            log.info("Bounce mailbox not read (baton.email.bounces.imap-host is empty)");
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bounce-mailbox"));
        poller.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        log.info("Reading bounces from {}@{}:{} every {} ms", user, host, port, pollMillis);
    }

    @Override
    public void stop() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }
}
