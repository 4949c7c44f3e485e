package dev.baton.engine.privacy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** A person's own data, for the requests data-protection law gives them. */
@RestController
@RequestMapping("/api/privacy")
@Tag(name = "Privacy", description = "Everything Baton holds about a person, for their access request (admin login)")
class PrivacyController {
    private static final Logger log = LoggerFactory.getLogger(PrivacyController.class);
    private final People people;
    private final List<PersonalData> parts;
    private final ObjectMapper json;
    private final Clock clock;

    PrivacyController(People people, List<PersonalData> parts, ObjectMapper json, Clock clock) {
        this.people = people;
        this.parts = parts.stream().sorted(Comparator.comparing(PersonalData::part)).toList();
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "Everything Baton holds about a person, as one JSON document (GDPR Art. 15, PIPL Art. 45)",
            description = "The person is found by any of their ids (lead, user, visitor, email, phone); the document holds"
                    + " their ids, then one member per part: profile (with the leads folded into it), events (every one,"
                    + " oldest first), journeys (each instance with its steps and variables), deliveries and"
                    + " suppressions, sales ownership, attribution. Streamed: its size does not depend on memory."
                    + " 404 when no lead was ever known by the id.")
    @GetMapping(path = "/leads/{id}/export", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<StreamingResponseBody> export(@PathVariable String id) {
        Person person = people.find(id).orElseThrow(() -> new PersonNotFoundException(id));
        String by = SecurityContextHolder.getContext().getAuthentication() == null ? "?"
                : SecurityContextHolder.getContext().getAuthentication().getName();
        // Who asked for whose data, by lead id only: the log holds no personal data.
        log.info("Export of lead {} for {} ({} parts)", person.leadId(), by, parts.size());
        StreamingResponseBody body = out -> {
            try (JsonGenerator generator = json.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                generator.writeStartObject();
                generator.writeStringField("exportedAt", clock.instant().toString());
                generator.writeStringField("leadId", person.leadId());
                generator.writeFieldName("ids");
                json.writeValue(generator, person);
                for (PersonalData part : parts) {
                    generator.writeFieldName(part.part());
                    part.write(person, generator);
                }
                generator.writeEndObject();
            }
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"baton-export-" + person.leadId() + ".json\"")
                .contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
