package dev.baton.engine.web;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.baton.rules.RuleSetCompilationException;
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
import org.springframework.validation.Errors;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
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

    /**
     * A body whose record's annotations do not hold ({@code @Valid}): every field at fault with
     * what is wrong, the first as {@code field}.
     */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(e, invalid(violations(e.getBindingResult())), headers, HttpStatus.BAD_REQUEST, request);
    }

    /**
     * Constraints on path variables, query parameters, or on a body validated together with them:
     * each named by the parameter (or the body's field path).
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        List<Requests.Violation> violations = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors errors) {
                violations.addAll(violations(errors));
            } else {
                String name = result.getMethodParameter().getParameterName();
                result.getResolvableErrors().forEach(error -> violations.add(
                        new Requests.Violation(name == null ? "" : name, error.getDefaultMessage())));
            }
        }
        return handleExceptionInternal(e, invalid(violations), headers, HttpStatus.BAD_REQUEST, request);
    }

    private static List<Requests.Violation> violations(Errors errors) {
        List<Requests.Violation> violations = new ArrayList<>();
        errors.getGlobalErrors().forEach(error -> violations.add(new Requests.Violation("", error.getDefaultMessage())));
        errors.getFieldErrors().forEach(error -> violations.add(new Requests.Violation(error.getField(), error.getDefaultMessage())));
        return violations;
    }

    private ProblemDetail invalid(List<Requests.Violation> violations) {
        if (violations.isEmpty()) { // a constraint across parameters: no field to name
            violations.add(new Requests.Violation("", "the request's parts do not fit together"));
        }
        violations.sort(Requests.Violation.BY_FIELD);
        return apiProblem(new InvalidRequestException("", violations)).getBody();
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
