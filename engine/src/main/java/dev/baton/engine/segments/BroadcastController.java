package dev.baton.engine.segments;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One email or SMS to every member of a segment, as a job with progress, pause, resume and cancel. */
@RestController
@RequestMapping("/api/broadcasts")
@Tag(name = "Broadcasts", description = "A template sent once to every member of a segment, under the send guards (admin login)")
class BroadcastController {
    private final Broadcasts broadcasts;

    BroadcastController(Broadcasts broadcasts) {
        this.broadcasts = broadcasts;
    }

    @Operation(summary = "Send a template to every current member of a segment, now or at sendAt",
            description = "Answers 202 with the broadcast; follow it at /api/broadcasts/{id}. Each member gets it at most"
                    + " once, through the marketing guards: opted out or bounced, template already sent to the lead, the"
                    + " channel's frequency cap, and quiet hours in the lead's time zone (the send waits until morning"
                    + " there). Members are handed to the send workers at baton.broadcasts.email-rate / sms-rate a second."
                    + " 400 names the bad field (channel, template, sendAt); 404 for an unknown segment.")
    @PostMapping
    ResponseEntity<Broadcasts.Broadcast> create(@Valid @RequestBody Broadcasts.Request request) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(broadcasts.create(request));
    }

    @Operation(summary = "A broadcast's state and figures: members, handed over, sent, blocked by reason, deferred, failed")
    @GetMapping("/{id}")
    Broadcasts.Broadcast get(@PathVariable String id) {
        return broadcasts.get(id);
    }

    @Operation(summary = "The latest broadcasts (100), of one segment when given")
    @GetMapping
    List<Broadcasts.Broadcast> list(@RequestParam(required = false) String segment) {
        return broadcasts.list(segment);
    }

    @Operation(summary = "Pause a scheduled or sending broadcast",
            description = "It stops before its next page of members (sends already handed over, at most a second's worth,"
                    + " still go). 409 when it is done or cancelled.")
    @PostMapping("/{id}/pause")
    Broadcasts.Broadcast pause(@PathVariable String id) {
        return broadcasts.pause(id);
    }

    @Operation(summary = "Resume a paused broadcast after the last member it handed over", description = "409 unless paused.")
    @PostMapping("/{id}/resume")
    Broadcasts.Broadcast resume(@PathVariable String id) {
        return broadcasts.resume(id);
    }

    @Operation(summary = "Cancel a broadcast", description = "Members not handed over yet never get it. 409 when it is done.")
    @PostMapping("/{id}/cancel")
    Broadcasts.Broadcast cancel(@PathVariable String id) {
        return broadcasts.cancel(id);
    }
}
