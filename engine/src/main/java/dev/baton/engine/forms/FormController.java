package dev.baton.engine.forms;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Forms: definitions under {@code /api/forms} (admin), and the public submit endpoint
 * {@code POST /f/{formId}} that a plain HTML form or a script posts to.
 */
@RestController
@Tag(name = "Forms", description = "Landing-page forms that identify visitors")
class FormController {
    /** The first-party visitor cookie the tracking snippet sets. */
    static final String VISITOR_COOKIE = "baton_aid";
    private final FormSubmissions submissions;

    FormController(FormSubmissions submissions) {
        this.submissions = submissions;
    }

    @Operation(summary = "Create or replace a form definition (admin)",
            description = "400 lists every field of the definition at fault.")
    @PutMapping("/api/forms/{id}")
    FormDefinition define(@PathVariable String id, @RequestBody FormDefinition form) {
        return submissions.define(id, form);
    }

    @Operation(summary = "A form definition (admin)")
    @GetMapping("/api/forms/{id}")
    FormDefinition form(@PathVariable String id) {
        return submissions.form(id);
    }

    @Operation(summary = "All form definitions (admin)")
    @GetMapping("/api/forms")
    List<FormDefinition> forms() {
        return submissions.all();
    }

    @Operation(summary = "Submit a form as an HTML form post (application/x-www-form-urlencoded)",
            description = "Redirects (303) to the form's successUrl when it has one, else 200. 400 lists every field at fault; nothing is recorded then.")
    @PostMapping(path = "/f/{formId}", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Map<String, Object>> submitHtml(@PathVariable String formId, @RequestParam MultiValueMap<String, String> values,
                                                   @CookieValue(name = VISITOR_COOKIE, required = false) String cookie) {
        Map<String, String> single = values.toSingleValueMap();
        String visitor = submissions.submit(formId, single, cookie != null ? cookie : single.get("anonymousId"));
        String successUrl = submissions.form(formId).successUrl();
        if (successUrl != null && !successUrl.isBlank()) {
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(successUrl)).build();
        }
        return ResponseEntity.ok(Map.of("success", true, "anonymousId", visitor));
    }

    @Operation(summary = "Submit a form as JSON", description = "Field names as keys; 400 lists every field at fault, and nothing is recorded then.")
    @PostMapping(path = "/f/{formId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> submitJson(@PathVariable String formId, @RequestBody Map<String, Object> body,
                                   @CookieValue(name = VISITOR_COOKIE, required = false) String cookie) {
        Map<String, String> values = new HashMap<>();
        body.forEach((key, value) -> values.put(key, value == null ? "" : value.toString()));
        String visitor = submissions.submit(formId, values, cookie != null ? cookie : values.get("anonymousId"));
        return Map.of("success", true, "anonymousId", visitor);
    }
}
