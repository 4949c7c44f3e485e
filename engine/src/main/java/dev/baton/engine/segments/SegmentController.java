package dev.baton.engine.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.journeys.JourneyShapes;
import dev.baton.engine.leads.TrackedBehaviour;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Saved segments: who is in them now, kept current as leads act. */
@RestController
@RequestMapping("/api/segments")
@Tag(name = "Segments", description = "Audiences defined by profile and behaviour, counted and kept current (admin login)")
class SegmentController {
    private static final String ID = "[a-z0-9][a-z0-9_-]{0,63}";

    private final SegmentStore store;
    private final SegmentCatalog catalog;
    private final SegmentBuilds builds;
    private final ObjectMapper json;
    private final Clock clock;
    private final JourneyShapes shapes;
    private final JourneyEntries entries;

    SegmentController(SegmentStore store, SegmentCatalog catalog, SegmentBuilds builds, ObjectMapper json, Clock clock,
                      JourneyShapes shapes, JourneyEntries entries) {
        this.shapes = shapes;
        this.entries = entries;
        this.store = store;
        this.catalog = catalog;
        this.builds = builds;
        this.json = json;
        this.clock = clock;
    }

    /** A segment as saved: name and conditions. */
    record Definition(@NotBlank(message = "a segment needs a name") String name, JsonNode conditions) {
    }

    /**
     * A segment with its live member count.
     *
     * @param count members now, counted by Elasticsearch over the live leads (exact)
     * @param state building (counting past behaviour, recording members) or ready (kept current by events)
     */
    record SegmentView(String id, String name, JsonNode conditions, String state, long count, Segment.Build build) {
    }

    @Operation(summary = "Create or redefine a segment",
            description = """
                    Conditions combine with all / any / not: tier {"in":[…]} or {"eq":…}; score {"gte","gt","lte","lt"};
                    tag {"has":…} or {"hasAny":[…]}; trait (name) with eq, in, exists, prefix, gte/gt/lte/lt (numbers compare
                    as numbers); event (name) with where {property: value}, atLeast N (1-100), withinDays D (did it at least N
                    times in the last D days; wrap in not for "did not"); unsubscribed "email"|"sms"; seen {"withinDays":D};
                    brought {"employee"|"team"|"campaign": id or [ids]} (the first share that brought the lead); journey
                    (key) alone (in it now), with "at":step, "finished":true|end id, or "entered":true.
                    Answers at once; a background build counts past behaviour and records the members (state building,
                    progress in build), then the segment is ready and each lead's entry and exit is a Segment Entered /
                    Segment Left event on its timeline. A condition that cannot be used is a 400 naming it (field).""")
    @PutMapping("/{id}")
    SegmentView save(@PathVariable @Pattern(regexp = ID, message = "use 1-64 lower-case letters, digits, - or _, starting with"
                             + " a letter or digit") String id,
                     @Valid @RequestBody Definition definition) {
        SegmentConditions.Compiled compiled = SegmentConditions.compile(definition.conditions(), json);
        Instant now = clock.instant();
        Segment segment = new Segment(id, definition.name().strip(), definition.conditions(), Segment.BUILDING, compiled.query(),
                compiled.behaviours(), builds.started(now), now);
        // A query Elasticsearch refuses is a 400 here, before anything is stored.
        store.count(compiled.query().toString());
        store.save(id, segment);
        catalog.refresh();
        builds.start(id);
        return view(id, segment);
    }

    @Operation(summary = "A segment: its definition, live count and build")
    @GetMapping("/{id}")
    SegmentView get(@PathVariable String id) {
        return view(id, store.get(id));
    }

    @Operation(summary = "Every segment with its live count")
    @GetMapping
    List<SegmentView> list() {
        // Read from the index, not this node's catalog: a change made on any node shows at once.
        Map<String, Segment> listed = store.listed();
        Map<String, String> queries = new LinkedHashMap<>();
        listed.forEach((id, segment) -> queries.put(id, segment.query().toString()));
        Map<String, Long> counts = store.counts(queries);
        return listed.entrySet().stream().map(e -> view(e.getKey(), e.getValue(), counts.getOrDefault(e.getKey(), 0L))).toList();
    }

    @Operation(summary = "A page of a segment's members, by lead id",
            description = "Pass the previous page's next as after; next is null on the last page.")
    @GetMapping("/{id}/leads")
    SegmentStore.Members members(@PathVariable String id,
                                 @RequestParam(defaultValue = "50") @Min(1) @Max(1000) int size,
                                 @Parameter(description = "the lead id the previous page ended with") @RequestParam(required = false) String after) {
        return store.members(store.get(id).query().toString(), size, after);
    }

    /**
     * The journeys that use a segment and the latest jobs that entered its members into one.
     *
     * @param journeys deployed journeys (latest active versions) that start on, wait for or branch on the segment
     * @param entries  the latest ten entry jobs of the segment, newest first
     */
    record JourneyUses(List<JourneyShapes.SegmentUse> journeys, List<JourneyEntries.EntryJob> entries) {
    }

    @Operation(summary = "The journeys that use a segment",
            description = "Each deployed journey that starts when a lead enters or leaves the segment, waits for either, or"
                    + " branches on membership (uses: startsOnEntry, startsOnLeaving, waitsForEntry, waitsForLeaving,"
                    + " branchesOnMembership), and the latest ten jobs that entered its members into a journey.")
    @GetMapping("/{id}/journeys")
    JourneyUses journeys(@PathVariable String id) {
        store.get(id);
        return new JourneyUses(shapes.usingSegment(id), entries.ofSegment(id, 10));
    }

    /**
     * What a set of conditions counts now.
     *
     * @param uncounted behaviour conditions no saved segment counts yet: a preview counts nobody for
     *                  them (past events are counted onto leads when a segment using them is saved)
     */
    record Preview(long count, List<String> uncounted) {
    }

    @Operation(summary = "Count conditions while editing them",
            description = "Same conditions as a segment; nothing is saved. A behaviour condition that no saved segment uses"
                    + " yet is listed in uncounted: its past events are counted once a segment using it is saved.")
    @PostMapping("/preview")
    Preview preview(@RequestBody Definition definition) {
        SegmentConditions.Compiled compiled = SegmentConditions.compile(definition.conditions(), json);
        List<String> uncounted = compiled.behaviours().stream().filter(b -> !catalog.counted(b)).map(SegmentController::describe).toList();
        return new Preview(store.count(compiled.query().toString()), uncounted);
    }

    @Operation(summary = "Delete a segment", description = "Its membership is no longer kept; leads' timelines keep their entries.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        if (!store.delete(id)) {
            throw new SegmentNotFoundException(id);
        }
        catalog.refresh();
        return ResponseEntity.noContent().build();
    }

    private SegmentView view(String id, Segment segment) {
        return view(id, segment, store.count(segment.query().toString()));
    }

    private static SegmentView view(String id, Segment segment, long count) {
        return new SegmentView(id, segment.name(), segment.conditions(), segment.state(), count, segment.build());
    }

    private static String describe(TrackedBehaviour behaviour) {
        return behaviour.event() + (behaviour.where().isEmpty() ? "" : " where " + behaviour.where())
                + " at least " + behaviour.atLeast() + "x";
    }
}
