package dev.baton.engine.forms;

import dev.baton.engine.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
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
import org.springframework.web.bind.annotation.RequestHeader;
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

    /** Who may show Baton's form pages in a frame: the sites declared for tracking, or any site when none is. */
    private final String frameAncestors;

    FormController(FormSubmissions submissions, org.springframework.core.env.Environment environment) {
        this.submissions = submissions;
        // Bound as the tracking feature binds it: a comma-separated value or a YAML list alike.
        List<String> sites = org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bind("baton.tracking.allowed-origins", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
                .orElse(List.of());
        this.frameAncestors = frameAncestors(sites);
    }

    /**
     * CSP's {@code frame-ancestors} for Spring's origin patterns: {@code https://*.acme.com} as it
     * is, a port pattern {@code :[*]} as {@code :*}, a port list {@code :[8080,8081]} as one source
     * per port.
     */
    static String frameAncestors(List<String> sites) {
        List<String> sources = new java.util.ArrayList<>();
        for (String site : sites) {
            String pattern = site.strip();
            java.util.regex.Matcher ports = java.util.regex.Pattern.compile("^(.*):\\[([^]]*)]$").matcher(pattern);
            if (pattern.isEmpty()) {
                continue;
            } else if (ports.matches() && "*".equals(ports.group(2).strip())) {
                sources.add(ports.group(1) + ":*");
            } else if (ports.matches()) {
                for (String port : ports.group(2).split(",")) {
                    sources.add(ports.group(1) + ":" + port.strip());
                }
            } else {
                sources.add(pattern);
            }
        }
        return "frame-ancestors 'self' " + (sources.isEmpty() ? "*" : String.join(" ", sources));
    }

    @Operation(summary = "The form as a page, for an iframe on the customer's site",
            description = "Fields as defined, the browser's own checks, and messages shown beside their fields; then the"
                    + " thanks or the success address. aid is the visitor's id on the customer's site (t.js sets it on"
                    + " <iframe data-baton-form=\"<id>\">); other parameters fill hidden fields of the same name."
                    + " Framed only by the sites in baton.tracking.allowed-origins when any is set.")
    @GetMapping(path = "/f/{formId}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String formId, @RequestParam Map<String, String> parameters) {
        try {
            return html(HttpStatus.OK, FormPages.form(submissions.form(formId), parameters.get("aid"), parameters));
        } catch (ApiProblem problem) {
            return html(problem.status(), FormPages.unavailable(problem));
        }
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
            description = "Redirects (303) to the form's successUrl when it has one. Otherwise a browser (Accept: text/html)"
                    + " gets a thank-you page, any other client {\"success\":true,\"anonymousId\":...}. A submission with"
                    + " errors records nothing: a browser gets a page listing each field at fault by its label, with a link"
                    + " back to the form's page; any other client a 400 problem listing them.")
    @PostMapping(path = "/f/{formId}", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<?> submitHtml(@PathVariable String formId, @RequestParam MultiValueMap<String, String> values,
                                 @CookieValue(name = VISITOR_COOKIE, required = false) String cookie,
                                 @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
                                 @RequestHeader(name = HttpHeaders.REFERER, required = false) String referer) {
        // A browser's own post never shows JSON; a script that posts form-encoded gets it as before.
        boolean browser = accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
        Map<String, String> single = values.toSingleValueMap();
        FormDefinition form = null;
        String visitor;
        try {
            form = submissions.form(formId);
            visitor = submissions.submit(formId, single, cookie != null ? cookie : single.get("anonymousId"));
        } catch (ApiProblem problem) {
            if (!browser) {
                throw problem;
            }
            return html(problem.status(), FormPages.problem(problem, form, referer));
        }
        // Checked again here: a definition saved before addresses were checked may hold anything.
        if (form.successUrl() != null && FormSubmissions.isWebAddress(form.successUrl())) {
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(form.successUrl())).build();
        }
        return browser ? html(HttpStatus.OK, FormPages.thanks(form)) : ResponseEntity.ok(Map.of("success", true, "anonymousId", visitor));
    }

    /** A page for a browser; framed only where the form page may be (it may open inside the iframe). */
    private ResponseEntity<String> html(HttpStatus status, String page) {
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore()).header("Content-Security-Policy", frameAncestors).body(page);
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
