package dev.baton.engine.web;

import dev.baton.engine.forms.FormErrors;
import dev.baton.engine.forms.FormNotFoundException;
import dev.baton.engine.messaging.InvalidLinkException;
import dev.baton.engine.leads.JobNotFoundException;
import dev.baton.engine.leads.LeadNotFoundException;
import dev.baton.engine.scoring.RuleSetNotFoundException;
import dev.baton.engine.scoring.RuleSetTestsFailedException;
import dev.baton.rules.RuleSetCompilationException;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.engine.tracking.EventPublisher.EventBusUnavailableException;
import dev.baton.engine.tracking.InvalidEventException;
import dev.baton.engine.tracking.WrongWriteKeyException;
import dev.baton.engine.advocacy.AdvocacyNotFoundException;
import dev.baton.engine.journeys.JourneyNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps Baton's errors to RFC 9457 problem details that say what is wrong and where
 * ({@code field}), so a sender can fix the request without reading logs.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(InvalidEventException.class)
    ProblemDetail invalidEvent(InvalidEventException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-event", "Invalid event", e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    @ExceptionHandler(FormErrors.class)
    ProblemDetail formErrors(FormErrors e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-form", "Some fields need attention", e.getMessage());
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler(FormNotFoundException.class)
    ProblemDetail formNotFound(FormNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "form-not-found", "Form not found", e.getMessage());
    }

    @ExceptionHandler(RuleSetCompilationException.class)
    ProblemDetail ruleSetDoesNotCompile(RuleSetCompilationException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "rule-set-does-not-compile",
                "Rule set does not compile", e.errors().size() + " error(s); the active rule set is unchanged");
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler(RuleSetTestsFailedException.class)
    ProblemDetail ruleSetTestsFail(RuleSetTestsFailedException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "rule-set-tests-fail", "Rule set tests fail",
                e.getMessage() + "; nothing was stored and the active rule set is unchanged");
        problem.setProperty("testResults", e.results());
        return problem;
    }

    @ExceptionHandler(RuleSetNotFoundException.class)
    ProblemDetail ruleSetNotFound(RuleSetNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "rule-set-not-found", "Rule set not found", e.getMessage());
    }

    @ExceptionHandler(WrongWriteKeyException.class)
    ResponseEntity<ProblemDetail> wrongWriteKey(WrongWriteKeyException e) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"baton-tracking\"")
                .body(problem(HttpStatus.UNAUTHORIZED, "write-key", "Wrong write key", e.getMessage()));
    }

    @ExceptionHandler(LeadNotFoundException.class)
    ProblemDetail leadNotFound(LeadNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "lead-not-found", "Lead not found", e.getMessage());
    }

    @ExceptionHandler(InvalidLinkException.class)
    ProblemDetail invalidLink(InvalidLinkException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-link", "Invalid link", e.getMessage());
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail jobNotFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", e.getMessage());
    }

    /** Advocacy, sales, CSV imports: what is wrong and in which field or line. */
    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalidRequest(InvalidRequestException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    @ExceptionHandler({AdvocacyNotFoundException.class, dev.baton.engine.search.RuleVersionNotFoundException.class,
            dev.baton.engine.sales.SalesNotFoundException.class})
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    /** The request is valid but the state does not allow it now (a rep at capacity, a lead not in the queue). */
    @ExceptionHandler(dev.baton.engine.sales.SalesConflictException.class)
    ProblemDetail salesConflict(dev.baton.engine.sales.SalesConflictException e) {
        return problem(HttpStatus.CONFLICT, "conflict", "Conflict", e.getMessage());
    }

    @ExceptionHandler(JourneyNotFoundException.class)
    ProblemDetail journeyNotFound(JourneyNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "journey-not-found", "Journey not found", e.getMessage());
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

    @ExceptionHandler(EventBusUnavailableException.class)
    ResponseEntity<ProblemDetail> eventBusUnavailable(EventBusUnavailableException e) {
        log.warn("Event not accepted: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "event-bus-unavailable", "Event bus unavailable",
                        e.getMessage() + "; nothing was recorded, retry later"));
    }

    @ExceptionHandler(SearchUnavailableException.class)
    ResponseEntity<ProblemDetail> searchUnavailable(SearchUnavailableException e) {
        log.warn("Search unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "search-unavailable", "Search unavailable", e.getMessage()));
    }

    /**
     * A body that is not JSON, or JSON of the wrong shape: where and what was expected, in the
     * sender's terms (line and column, the field's path), never the Java types behind it.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable request body", "");
        if (e.getCause() instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            problem.setDetail((field.isEmpty() ? "the body" : field) + ": expected " + expected(mismatch.getTargetType())
                    + (mismatch instanceof InvalidFormatException format ? ", not '" + format.getValue() + "'" : ""));
            problem.setProperty("field", field);
        } else if (e.getCause() instanceof JsonMappingException mapping) {
            String field = path(mapping);
            // A value the type refused (a record's own check): its reason, not Jackson's wording with class names.
            Throwable reason = mapping.getCause() != null && mapping.getCause().getMessage() != null ? mapping.getCause() : null;
            problem.setDetail((field.isEmpty() ? "the body" : field) + ": "
                    + (reason != null ? reason.getMessage() : "this value cannot be taken"));
            problem.setProperty("field", field);
        } else if (e.getCause() instanceof JsonProcessingException malformed) {
            var at = malformed.getLocation();
            problem.setDetail("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + malformed.getOriginalMessage());
        } else if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            problem.setDetail("the request needs a body");
        } else {
            problem.setDetail("the request body could not be read as " + request.getHeader(HttpHeaders.CONTENT_TYPE));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** The JSON path of the field at fault ({@code contents[1].url}), empty for the body itself. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type) || type == java.time.Duration.class) {
            return "a date, time or duration in ISO 8601";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return "a JSON object";
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://baton.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }
}
