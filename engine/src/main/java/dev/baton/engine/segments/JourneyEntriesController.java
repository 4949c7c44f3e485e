package dev.baton.engine.segments;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Entering a segment's current members into a journey, as a job with progress. */
@RestController
@RequestMapping("/api/journeys")
@Tag(name = "Journeys")
class JourneyEntriesController {
    private final JourneyEntries entries;

    JourneyEntriesController(JourneyEntries entries) {
        this.entries = entries;
    }

    /** Whose members enter. */
    record EntryRequest(@NotBlank(message = "name the segment whose members enter, e.g. \\{\"segment\":\"warm-pricing\"\\}")
                        String segment) {
    }

    @Operation(summary = "Enter every current member of a segment into the journey",
            description = "Answers 202 at once with the job; follow it at /api/journeys/entries/{jobId}. Members enter at"
                    + " baton.segments.entry-rate a second, each as the journey's re-entry policy allows (a lead in a running"
                    + " instance of it, or that finished it under policy never, stays out). The same job never enters a"
                    + " lead twice, also when resumed after its node stopped. 404 for an unknown journey or segment.")
    @PostMapping("/{key}/entries")
    ResponseEntity<JourneyEntries.EntryJob> enter(@PathVariable String key, @Valid @RequestBody EntryRequest request) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(entries.start(key, request.segment()));
    }

    @Operation(summary = "An entry job's progress: members, entry signals sent, leads entered, state")
    @GetMapping("/entries/{jobId}")
    JourneyEntries.EntryJob job(@PathVariable String jobId) {
        return entries.get(jobId);
    }

    @Operation(summary = "Cancel an entry job", description = "Stops it before its next page; leads already entered stay in the journey.")
    @DeleteMapping("/entries/{jobId}")
    JourneyEntries.EntryJob cancel(@PathVariable String jobId) {
        return entries.cancel(jobId);
    }
}
