package dev.baton.engine.segments;

import dev.baton.engine.leads.BehaviourBackfill;
import dev.baton.engine.leads.SegmentReview;
import dev.baton.engine.leads.TrackedBehaviour;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Builds a segment saved over existing data, in the background, with its progress on the
 * segment: (1) "counting behaviour": the behaviours it needs are counted over stored events onto
 * each lead; (2) "recording members": every lead it matches is recorded as a member (a Segment
 * Entered event each); then it is ready, and the event pipeline keeps it current. A build whose
 * node stopped reporting is taken over by another node (every step is safe to repeat).
 */
@Component
class SegmentBuilds {
    private static final Logger log = LoggerFactory.getLogger(SegmentBuilds.class);
    /** A build whose node has not reported for this long is taken over. */
    private static final Duration STALLED_AFTER = Duration.ofMinutes(2);
    private static final int MAX_PASSES = 10;
    /** How long a build waits for the pipeline's batches in flight (well within {@link #STALLED_AFTER}). */
    private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(30);

    private final SegmentStore store;
    private final SegmentCatalog catalog;
    private final BehaviourBackfill backfill;
    private final SegmentReview review;
    private final Clock clock;
    private final Duration refresh;
    private final String node = ManagementFactory.getRuntimeMXBean().getName();
    /** A thread per build: a build waiting in a queue would look stalled to the other nodes. */
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "segment-build");
        thread.setDaemon(true);
        return thread;
    });

    SegmentBuilds(SegmentStore store, SegmentCatalog catalog, BehaviourBackfill backfill, SegmentReview review,
                  Clock clock, @Value("${baton.segments.refresh:5s}") Duration refresh) {
        this.store = store;
        this.catalog = catalog;
        this.backfill = backfill;
        this.review = review;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** A build as it starts, for the segment defined (saved) at {@code definedAt}. */
    Segment.Build started(Instant definedAt) {
        Instant now = clock.instant();
        return new Segment.Build("counting behaviour", 0, 0, node, now, now, null, null, definedAt);
    }

    /** Runs the build of a saved segment in the background. */
    void start(String id) {
        runner.submit(() -> run(id));
    }

    @Scheduled(fixedDelayString = "${baton.segments.review-interval:1m}", initialDelayString = "${baton.segments.review-interval:1m}")
    void takeOverStalled() {
        Instant stale = clock.instant().minus(STALLED_AFTER);
        catalog.segments().forEach((id, segment) -> {
            if (Segment.BUILDING.equals(segment.state()) && segment.build() != null
                    && segment.build().heartbeatAt() != null && segment.build().heartbeatAt().isBefore(stale)) {
                log.info("Segment {}: its build on {} stopped reporting at {}; building it here", id,
                        segment.build().node(), segment.build().heartbeatAt());
                store.progress(id, Segment.BUILDING, started(segment.updatedAt()));
                start(id);
            }
        });
    }

    private void run(String id) {
        Segment segment;
        try {
            segment = store.get(id);
        } catch (RuntimeException e) {
            log.warn("Segment {}: build not started: {}", id, e.getMessage());
            return;
        }
        Segment.Build build = segment.build() != null ? segment.build() : started(segment.updatedAt());
        Instant definedAt = segment.updatedAt();
        try {
            catalog.refresh();
            if (!segment.behaviours().isEmpty()) {
                // Every node learns of the segment within one refresh and counts new events from
                // then on; past events are counted once that time has passed and the batches
                // handled before it are stored, so none falls between.
                waitFor(refresh.multipliedBy(2));
                backfill.settle(SETTLE_AT_MOST);
                build = countBehaviours(id, segment, build);
            }
            build = recordMembers(id, segment, build, Segment.BUILDING);
            if (redefined(id, definedAt)) {
                return;
            }
            store.progress(id, Segment.READY, build.next("recording members", build.processed(), build.total(), clock.instant()), true);
            catalog.refresh();
            // Moves between the first pass and "ready" (when the pipeline took over) are caught here.
            build = recordMembers(id, segment, build, Segment.READY);
            Instant now = clock.instant();
            store.progress(id, Segment.READY, new Segment.Build("done", build.processed(), build.processed(), build.node(),
                    build.startedAt(), now, now, null, definedAt), true);
            log.info("Segment {} built in {} s: {} members recorded", id,
                    Duration.between(build.startedAt(), now).toSeconds(), build.processed());
        } catch (Redefined e) {
            // The build of the segment's new definition takes it from here.
        } catch (Exception e) {
            if (redefined(id, definedAt)) {
                return;
            }
            log.warn("Segment {}: build failed, tried again in {} (or when saved again): {}", id, STALLED_AFTER, e.getMessage());
            Instant now = clock.instant();
            try {
                store.progress(id, Segment.BUILDING, new Segment.Build("failed", build.processed(), build.total(), node,
                        build.startedAt(), now, now, e.getMessage(), definedAt));
            } catch (RuntimeException ignored) {
                // The build stays "building" with an old heartbeat: another node (or this one) takes it over.
            }
        }
    }

    /** Whether the segment was saved again (or deleted) since this build began: then that save's build takes over. */
    private boolean redefined(String id, Instant definedAt) {
        try {
            boolean changed = !java.util.Objects.equals(store.get(id).updatedAt(), definedAt);
            if (changed) {
                log.info("Segment {} was redefined while it was being built; this build stops", id);
            }
            return changed;
        } catch (SegmentNotFoundException e) {
            return true;
        }
    }

    private Segment.Build countBehaviours(String id, Segment segment, Segment.Build build) throws Exception {
        long total = 0;
        for (TrackedBehaviour behaviour : segment.behaviours()) {
            total += backfill.leadsWith(behaviour);
        }
        AtomicLong done = new AtomicLong();
        Segment.Build counting = build.next("counting behaviour", 0, total, clock.instant());
        store.progress(id, Segment.BUILDING, counting);
        for (TrackedBehaviour behaviour : segment.behaviours()) {
            backfill.backfill(behaviour, leads -> report(id, Segment.BUILDING, counting, done.addAndGet(leads)));
        }
        log.info("Segment {}: {} counted on {} leads", id, segment.behaviours().stream().map(TrackedBehaviour::event).toList(), done.get());
        return counting.next("counting behaviour", done.get(), total, clock.instant());
    }

    private Segment.Build recordMembers(String id, Segment segment, Segment.Build build, String state) throws Exception {
        var audience = catalog.audience(id, segment);
        long base = "recording members".equals(build.phase()) ? build.processed() : 0;
        review.catchUp();
        long due = review.due(audience);
        Segment.Build recording = build.next("recording members", base, base + due, clock.instant());
        store.progress(id, state, recording);
        AtomicLong done = new AtomicLong(base);
        // A lead the pipeline changed while it was read is skipped; it is read again until none is.
        for (int attempt = 1; attempt <= MAX_PASSES; attempt++) {
            SegmentReview.Result result = review.review(audience, moved -> report(id, state, recording, done.addAndGet(moved)));
            if (result.skipped() == 0) {
                break;
            }
            log.debug("Segment {}: {} leads changed while being recorded, reading them again", id, result.skipped());
            review.catchUp();
        }
        return recording.next("recording members", done.get(), Math.max(done.get(), recording.total()), clock.instant());
    }

    /** Records progress, unless the segment was redefined meanwhile: then this build stops (its successor runs). */
    private void report(String id, String state, Segment.Build phase, long done) {
        if (redefined(id, phase.definedAt())) {
            throw new Redefined(id);
        }
        store.progress(id, state, phase.next(phase.phase(), done, Math.max(done, phase.total()), clock.instant()));
    }

    /** A build that stops because its segment was redefined. */
    private static final class Redefined extends RuntimeException {
        Redefined(String id) {
            super("segment " + id + " was redefined");
        }
    }

    private static void waitFor(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
