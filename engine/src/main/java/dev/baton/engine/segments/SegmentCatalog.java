package dev.baton.engine.segments;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.leads.Audiences;
import dev.baton.engine.leads.TrackedBehaviour;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The segments every node knows, for the event pipeline (which behaviours to count, which
 * memberships to keep): read from the segments index every {@code baton.segments.refresh} and
 * right after this node changes one, never per event. A segment saved on another node is known
 * here within one refresh; a build waits that long before it counts past events, so no event
 * falls between the two.
 */
@Component
class SegmentCatalog implements Audiences {
    private static final Logger log = LoggerFactory.getLogger(SegmentCatalog.class);

    private final SegmentStore store;
    private final ObjectMapper json;
    private volatile Known known = new Known(Map.of(), List.of(), List.of());
    private volatile boolean loaded;
    /** Reads started, and the start number of the read in use: a slower, older read never replaces a newer one. */
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private long installed = -1;

    /** The segments as last read, and what the pipeline asks of them, worked out once per read. */
    private record Known(Map<String, Segment> segments, List<TrackedBehaviour> behaviours, List<Audience> ready) {
        Known(Map<String, Segment> segments, java.util.function.BiFunction<String, Segment, Audience> audience) {
            this(segments, segments.values().stream().flatMap(s -> s.behaviours().stream()).distinct().toList(),
                    segments.entrySet().stream().filter(e -> Segment.READY.equals(e.getValue().state()))
                            .map(e -> audience.apply(e.getKey(), e.getValue())).filter(java.util.Objects::nonNull).toList());
        }
    }

    SegmentCatalog(SegmentStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${baton.segments.refresh:5s}")
    void refresh() {
        long read = reads.incrementAndGet();
        try {
            Known fresh = new Known(Map.copyOf(store.all()), this::audience);
            synchronized (this) {
                // The scheduled read may have started before a change this node made and finish after
                // the read that followed it: the older read must not bring the change back.
                if (read > installed) {
                    installed = read;
                    known = fresh;
                    loaded = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The last known segments stay in use; the next refresh tries again.
            log.warn("Could not read the segments (keeping the {} known): {}", known.segments().size(), e.getMessage());
        }
    }

    private Known known() {
        if (!loaded) {
            refresh();
        }
        return known;
    }

    Map<String, Segment> segments() {
        return known().segments();
    }

    @Override
    public List<TrackedBehaviour> behaviours() {
        return known().behaviours();
    }

    @Override
    public List<Audience> ready() {
        return known().ready();
    }

    /** A segment as the pipeline uses it; its condition is compiled here, once per read of the segments. */
    Audience audience(String id, Segment segment) {
        try {
            SegmentConditions.Compiled compiled = SegmentConditions.compile(segment.conditions(), json);
            return new Audience(id, segment.name(), compiled.query().toString(), compiled.condition()::matches);
        } catch (InvalidSegmentException e) {
            // Saved by a version that accepted what this one does not: left alone, said once per read.
            log.warn("Segment {} is not kept current: {}", id, e.getMessage());
            return null;
        }
    }

    /** Whether every node counts this behaviour already (a segment that is built counts it). */
    boolean counted(TrackedBehaviour behaviour) {
        return segments().values().stream().anyMatch(s -> Segment.READY.equals(s.state()) && s.behaviours().contains(behaviour));
    }
}
