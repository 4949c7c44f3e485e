package dev.baton.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleSetTestCaseTest {
    private final CompiledRuleSet rules = DefaultRuleSet.compile();

    @Test
    void caseWhoseExpectationsHoldPasses() {
        // 21 + 21, and 10 more for coming back to pricing within 7 days.
        RuleSetTestCase twoPricingViews = new RuleSetTestCase("two pricing views make a warm lead", Map.of(),
                List.of(pricingView(), pricingView()), new RuleSetTestCase.Expectation(52, "warm", Set.of("intent:pricing")));

        RuleSetTestCase.Result result = twoPricingViews.run(rules);

        assertThat(result.passed()).as(result.failures().toString()).isTrue();
    }

    @Test
    void caseWhoseExpectationsFailSaysWhatDiffered() {
        RuleSetTestCase wrong = new RuleSetTestCase("one pricing view is hot (wrong)", Map.of(),
                List.of(pricingView()), new RuleSetTestCase.Expectation(60, "hot", Set.of("interest:webinar")));

        RuleSetTestCase.Result result = wrong.run(rules);

        assertThat(result.passed()).isFalse();
        assertThat(result.failures()).containsExactly("score: expected 60, got 21", "tier: expected hot, got cold",
                "tags: expected [interest:webinar] among [grade:D]");
    }

    private static RuleSetTestCase.Event pricingView() {
        return new RuleSetTestCase.Event("Page Viewed", Map.of("category", "pricing"), null);
    }
}
