package dev.baton.engine.segments;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.baton.engine.messaging.AudienceSends;
import dev.baton.engine.search.Indices;
import dev.baton.engine.web.InvalidRequestException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * "Send template T to everyone in segment S (at time A)": a job that pages through the
 * segment's members by lead id and hands one send per member to the send workers through the
 * sends topic ({@link AudienceSends}), at the channel's rate ({@code baton.broadcasts.email-rate},
 * {@code sms-rate}). No Camunda process instance per lead. Progress and state are in the jobs
 * index: any node shows it, a paused or cancelled broadcast stops before its next page, and one
 * whose node stopped reporting is taken over by another after {@code baton.broadcasts.stalled-after}
 * and resumed after the last lead it handed over. Sends carry the broadcast's id as their batch:
 * the delivery log sends each member at most once, whoever publishes it how often.
 */
@Component
class Broadcasts {
    private static final Logger log = LoggerFactory.getLogger(Broadcasts.class);
    static final String KIND = "broadcast";
    private static final int PAGE = 200;

    private final JobDocuments<Broadcast> jobs;
    private final SegmentStore segments;
    private final AudienceSends sends;
    private final Clock clock;
    private final int emailRate;
    private final int smsRate;
    private final Duration stalledAfter;
    private final String node = ManagementFactory.getRuntimeMXBean().getName();
    /** A thread per running broadcast: one waiting in a queue would look stalled to the other nodes. */
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "broadcasts");
        thread.setDaemon(true);
        return thread;
    });

    Broadcasts(ElasticsearchClient client, Indices indices, SegmentStore segments, AudienceSends sends, Clock clock,
               @Value("${baton.broadcasts.email-rate:500}") int emailRate,
               @Value("${baton.broadcasts.sms-rate:${baton.sms.rate:10}}") int smsRate,
               @Value("${baton.broadcasts.stalled-after:2m}") Duration stalledAfter) {
        this.jobs = new JobDocuments<>(client, indices, KIND, Broadcast.class, Broadcast::kind, "broadcast");
        this.segments = segments;
        this.sends = sends;
        this.clock = clock;
        this.emailRate = Math.max(1, emailRate);
        this.smsRate = Math.max(1, smsRate);
        this.stalledAfter = stalledAfter;
    }

    /** What a marketer asks for; {@code sendAt} (ISO instant) is optional: now when absent or past. */
    record Request(@NotBlank(message = "name the segment whose members get the broadcast") String segment,
                   @NotNull(message = "email or sms")
                   @Pattern(regexp = "email|sms", message = "email or sms, not '${validatedValue}'") String channel,
                   @NotBlank(message = "name the template to send") String template,
                   Instant sendAt) {
    }

    /**
     * A broadcast as stored, and as shown with its figures.
     *
     * @param state     scheduled (waiting for sendAt), sending (members being handed to the send workers),
     *                  paused, cancelled, failed, or done (every member handed over); shown as stalled when
     *                  its node stopped reporting (another node takes it over), and as finishing while
     *                  the last handed-over sends have no recorded outcome yet
     * @param total     members when it started (leads joining later do not get it)
     * @param published sends handed to the send workers so far
     * @param after     the last lead id handed over: where it resumes
     * @param outcome   what became of the sends (null as stored; filled when shown)
     */
    record Broadcast(String id, String kind, String segment, String channel, String template, Instant sendAt, String state,
                     long total, long published, String after, String node, Instant createdAt, Instant startedAt,
                     Instant updatedAt, Instant finishedAt, String error, AudienceSends.Tally outcome) {
        Broadcast progressed(String newState, long handed, String last, Instant now, String failure) {
            boolean finished = Set.of("done", "cancelled", "failed").contains(newState);
            return new Broadcast(id, kind, segment, channel, template, sendAt, newState, total, handed, last, node,
                    createdAt, startedAt, now, finished ? now : null, failure, null);
        }

        Broadcast startedOn(String newNode, long members, Instant now) {
            return new Broadcast(id, kind, segment, channel, template, sendAt, "sending", startedAt == null ? members : total,
                    published, after, newNode, createdAt, startedAt == null ? now : startedAt, now, null, null, null);
        }

        Broadcast onNode(String newNode) {
            return new Broadcast(id, kind, segment, channel, template, sendAt, state, total, published, after, newNode,
                    createdAt, startedAt, updatedAt, finishedAt, error, outcome);
        }

        Broadcast shown(String shownState, AudienceSends.Tally figures) {
            return new Broadcast(id, kind, segment, channel, template, sendAt, shownState, total, published, after, node,
                    createdAt, startedAt, updatedAt, finishedAt, error, figures);
        }
    }

    /** A broadcast of a request whose annotations hold, once its template and segment exist. */
    Broadcast create(Request request) {
        String problem = sends.templateProblem(request.channel(), request.template());
        if (problem != null) {
            throw new InvalidRequestException("template", problem);
        }
        Instant now = clock.instant();
        Instant sendAt = request.sendAt() == null ? now : request.sendAt();
        segments.get(request.segment()); // 404 for a segment that does not exist
        Broadcast broadcast = new Broadcast(UUID.randomUUID().toString(), KIND, request.segment(), request.channel(),
                request.template(), sendAt, "scheduled", 0, 0, null, null, now, null, now, null, null, null);
        jobs.save(broadcast.id(), broadcast);
        log.info("Broadcast {}: {} template '{}' to the members of segment {}, at {}", broadcast.id(), broadcast.channel(),
                broadcast.template(), broadcast.segment(), sendAt);
        if (!sendAt.isAfter(now)) {
            begin(broadcast.id());
        }
        return get(broadcast.id());
    }

    Broadcast get(String id) {
        Broadcast broadcast = jobs.read(id).job();
        AudienceSends.Tally outcome = broadcast.startedAt() == null ? null : sends.tally(id);
        String state = broadcast.state();
        if ("sending".equals(state) && broadcast.updatedAt().isBefore(clock.instant().minus(stalledAfter))) {
            state = "stalled";
        } else if ("done".equals(state) && outcome != null && accounted(outcome) < broadcast.published()) {
            state = "finishing";
        }
        return broadcast.shown(state, outcome);
    }

    List<Broadcast> list(String segment) {
        try {
            Query query = segment == null ? Query.of(q -> q.matchAll(m -> m))
                    : Query.of(q -> q.term(t -> t.field("segment").value(segment)));
            return jobs.find(query, 100);
        } catch (IOException e) {
            throw new dev.baton.engine.search.SearchUnavailableException("listing broadcasts failed: " + e.getMessage(), e);
        }
    }

    Broadcast pause(String id) {
        return change(id, Set.of("scheduled", "sending"), "paused", "pause");
    }

    Broadcast cancel(String id) {
        return change(id, Set.of("scheduled", "sending", "paused"), "cancelled", "cancel");
    }

    Broadcast resume(String id) {
        Broadcast broadcast = jobs.read(id).job();
        boolean due = !broadcast.sendAt().isAfter(clock.instant());
        change(id, Set.of("paused"), broadcast.startedAt() == null && !due ? "scheduled" : "sending", "resume");
        if (due) {
            begin(id);
        }
        return get(id);
    }

    /** Scheduled broadcasts now due, and running ones whose node stopped reporting, start here. */
    @Scheduled(fixedDelayString = "${baton.broadcasts.poll:5s}", initialDelayString = "${baton.broadcasts.poll:5s}")
    void startDue() {
        try {
            Instant now = clock.instant();
            for (Broadcast due : jobs.find(Query.of(q -> q.bool(b -> b
                    .filter(f -> f.term(t -> t.field("state").value("scheduled")))
                    .filter(f -> f.range(r -> r.date(d -> d.field("sendAt").lte(now.toString())))))), 100)) {
                begin(due.id());
            }
            for (Broadcast stalled : jobs.stale("sending", "updatedAt", now.minus(stalledAfter))) {
                log.info("Broadcast {}: its node {} stopped reporting at {}; resuming it here after lead {}", stalled.id(),
                        stalled.node(), stalled.updatedAt(), stalled.after());
                begin(stalled.id());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Looking for due or stalled broadcasts failed, will look again: {}", e.getMessage());
        }
    }

    /**
     * Takes the broadcast for this node (a conditional write: of two nodes, one runs it) and runs
     * it: when it is scheduled and due, sending and stalled, or sending and just resumed.
     */
    private void begin(String id) {
        JobDocuments.Versioned<Broadcast> read = jobs.read(id);
        Broadcast broadcast = read.job();
        Instant now = clock.instant();
        boolean due = "scheduled".equals(broadcast.state()) && !broadcast.sendAt().isAfter(now);
        boolean orphaned = "sending".equals(broadcast.state())
                && (broadcast.node() == null || broadcast.updatedAt().isBefore(now.minus(stalledAfter)));
        if (!due && !orphaned) {
            return;
        }
        long members = broadcast.startedAt() == null ? segments.count(segments.get(broadcast.segment()).query().toString()) : 0;
        Broadcast claimed = broadcast.startedOn(node, members, now);
        if (jobs.saveIfUnchanged(id, claimed, read)) {
            runner.submit(() -> run(claimed));
        }
    }

    private void run(Broadcast start) {
        Broadcast broadcast = start;
        int rate = "sms".equals(broadcast.channel()) ? smsRate : emailRate;
        int pageSize = Math.min(PAGE, rate);
        log.info("Broadcast {}: handing {} sends to the send workers from lead {}, at most {} a second", broadcast.id(),
                broadcast.total() - broadcast.published(), broadcast.after() == null ? "one" : broadcast.after(), rate);
        try {
            String query = segments.get(broadcast.segment()).query().toString();
            long lastLogged = broadcast.published();
            while (true) {
                long pageStarted = System.nanoTime();
                SegmentStore.Members page = segments.members(query, pageSize, broadcast.after());
                JobDocuments.Versioned<Broadcast> current = jobs.read(broadcast.id());
                if (!"sending".equals(current.job().state()) || !node.equals(current.job().node())) {
                    log.info("Broadcast {} {} after {} sends", broadcast.id(), current.job().state(), broadcast.published());
                    return;
                }
                if (page.leads().isEmpty()) {
                    break;
                }
                String batch = broadcast.id();
                String channel = broadcast.channel();
                String template = broadcast.template();
                sends.publish(page.leads().stream()
                        .map(member -> new AudienceSends.AudienceSend(batch, member.id(), channel, template)).toList());
                broadcast = broadcast.progressed("sending", broadcast.published() + page.leads().size(),
                        page.leads().get(page.leads().size() - 1).id(), clock.instant(), null);
                if (!jobs.saveIfUnchanged(broadcast.id(), broadcast, current)) {
                    return;
                }
                if (broadcast.published() - lastLogged >= 10_000) {
                    lastLogged = broadcast.published();
                    log.info("Broadcast {}: {} of {} sends handed over", broadcast.id(), broadcast.published(), broadcast.total());
                }
                long wanted = page.leads().size() * 1_000_000_000L / rate - (System.nanoTime() - pageStarted);
                if (wanted > 0) {
                    Thread.sleep(wanted / 1_000_000);
                }
                if (page.next() == null) {
                    break;
                }
            }
            JobDocuments.Versioned<Broadcast> last = jobs.read(broadcast.id());
            if ("sending".equals(last.job().state()) && jobs.saveIfUnchanged(broadcast.id(),
                    broadcast.progressed("done", broadcast.published(), broadcast.after(), clock.instant(), null), last)) {
                log.info("Broadcast {}: all {} sends handed to the send workers", broadcast.id(), broadcast.published());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // It stays "sending" with an old heartbeat: this or another node resumes it after stalled-after.
            log.warn("Broadcast {} stopped after {} sends, to be resumed: {}", broadcast.id(), broadcast.published(),
                    e.getMessage());
        }
    }

    private Broadcast change(String id, Set<String> from, String to, String verb) {
        for (int attempt = 0; attempt < 5; attempt++) {
            JobDocuments.Versioned<Broadcast> read = jobs.read(id);
            Broadcast broadcast = read.job();
            if (!from.contains(broadcast.state())) {
                throw new BroadcastStateException("cannot " + verb + " broadcast " + id + ": it is " + broadcast.state());
            }
            Broadcast changed = broadcast.progressed(to, broadcast.published(), broadcast.after(), clock.instant(), null);
            if ("sending".equals(to)) {
                changed = changed.onNode(null); // unowned: the next begin() takes it, here or on another node
            }
            if (jobs.saveIfUnchanged(id, changed, read)) {
                log.info("Broadcast {} {}: {} of {} sends handed over", id, to, broadcast.published(), broadcast.total());
                return get(id);
            }
        }
        throw new dev.baton.engine.search.SearchUnavailableException("broadcast " + id + " kept changing; try again", null);
    }

    private static long accounted(AudienceSends.Tally outcome) {
        return outcome.sent() + outcome.blocked() + outcome.deferred() + outcome.skipped() + outcome.failed();
    }
}
