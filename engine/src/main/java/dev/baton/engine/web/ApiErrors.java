package dev.baton.engine.web;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.baton.rules.RuleSetCompilationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.Problem;
import org.camunda.bpm.engine.ResourceReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps Baton's errors to RFC 9457 problem details that say what is wrong and where
 * ({@code field}), so a sender can fix the request without reading logs. Features say how they
 * answer by extending {@link ApiProblem}; this class knows none of them.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem e) {
        if (e.status().is5xxServerError()) {
            log.warn("{}: {}", e.title(), e.getMessage());
        }
        ProblemDetail problem = problem(e.status(), e.type(), e.title(), e.detail());
        e.properties().forEach(problem::setProperty);
        return ResponseEntity.status(e.status()).headers(e.headers()).body(problem);
    }

    /**
     * An index that refuses writes for a while (write-blocked while a mapping migration copies it,
     * or read-only after the disk filled) is Elasticsearch being unavailable, not a bug: 503 with
     * {@code Retry-After}, whichever feature wrote. Any other Elasticsearch error goes on as before.
     */
    @ExceptionHandler(ElasticsearchException.class)
    ResponseEntity<ProblemDetail> elasticsearchRefused(ElasticsearchException e) {
        if (!"cluster_block_exception".equals(e.error().type())) {
            throw e;
        }
        return apiProblem(new UnavailableException("search-unavailable", "Search unavailable",
                "Elasticsearch refuses writes for now (" + e.error().reason() + "); retry shortly", e));
    }

    @ExceptionHandler(RuleSetCompilationException.class)
    ProblemDetail ruleSetDoesNotCompile(RuleSetCompilationException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "rule-set-does-not-compile",
                "Rule set does not compile", e.errors().size() + " error(s); the active rule set is unchanged");
        problem.setProperty("errors", e.errors());
        return problem;
    }

    /** A BPMN that does not parse or names an unknown topic: each problem with its file, element and line. */
    @ExceptionHandler(ParseException.class)
    ProblemDetail journeyDoesNotParse(ParseException e) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (ResourceReport report : e.getResorceReports()) {
            for (Problem p : report.getErrors()) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("resource", report.getResourceName());
                error.put("element", p.getMainElementId());
                error.put("line", p.getLine());
                error.put("message", p.getMessage());
                errors.add(error);
            }
        }
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "journey-does-not-parse", "Journey does not parse",
                e.getMessage() + "; nothing was deployed and the running versions are unchanged");
        problem.setProperty("errors", errors);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://baton.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }
}
