package dev.baton.engine.scoring;

import dev.baton.rules.RuleSetTestCase;
import dev.baton.engine.web.ApiProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** An uploaded rule set compiles but its own test cases do not all pass: it is refused (422). */
class RuleSetTestsFailedException extends ApiProblem {
    private final transient List<RuleSetTestCase.Result> results;

    RuleSetTestsFailedException(List<RuleSetTestCase.Result> results) {
        super(HttpStatus.UNPROCESSABLE_ENTITY, "rule-set-tests-fail", "Rule set tests fail",
                results.stream().filter(r -> !r.passed()).count() + " of " + results.size() + " test case(s) fail", null);
        this.results = List.copyOf(results);
    }

    public List<RuleSetTestCase.Result> results() {
        return results;
    }

    @Override
    public String detail() {
        return getMessage() + "; nothing was stored and the active rule set is unchanged";
    }

    @Override
    public Map<String, Object> properties() {
        return Map.of("testResults", results);
    }
}
