package dev.baton.engine.scoring;

import dev.baton.rules.RuleSetTestCase;
import java.util.List;

/** An uploaded rule set compiles but its own test cases do not all pass: it is refused (422). */
public class RuleSetTestsFailedException extends RuntimeException {
    private final transient List<RuleSetTestCase.Result> results;

    RuleSetTestsFailedException(List<RuleSetTestCase.Result> results) {
        super(results.stream().filter(r -> !r.passed()).count() + " of " + results.size() + " test case(s) fail");
        this.results = List.copyOf(results);
    }

    public List<RuleSetTestCase.Result> results() {
        return results;
    }
}
