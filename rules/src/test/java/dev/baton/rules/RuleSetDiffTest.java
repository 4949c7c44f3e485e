package dev.baton.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSetDiffTest {

    @Test
    void diffNamesAddedRemovedAndChangedRulesAndFiles() {
        Map<String, String> before = Map.of("points.drl", """
                rule "Page viewed"
                when BehaviourEvent(name == "Page Viewed") then scoreCard.addPoints("page view", 1);
                end
                rule "Email clicked"
                when BehaviourEvent(name == "Email Clicked") then scoreCard.addPoints("email click", 5);
                end
                """, "old.drl", "");
        Map<String, String> after = Map.of("points.drl", """
                rule "Page viewed"
                when BehaviourEvent(name == "Page Viewed") then scoreCard.addPoints("page view", 2);
                end
                rule "Webinar attended"
                when BehaviourEvent(name == "Webinar Attended") then scoreCard.addPoints("webinar", 15);
                end
                """, "tiers.drl", "");

        assertThat(RuleSetDiff.between(before, after)).containsExactly("+ file tiers.drl", "- file old.drl",
                "~ file points.drl", "+ rule \"Webinar attended\"", "- rule \"Email clicked\"", "~ rule \"Page viewed\"");
    }

    @Test
    void identicalRuleSetsHaveNoDifferences() {
        assertThat(RuleSetDiff.between(DefaultRuleSet.files(), DefaultRuleSet.files())).isEmpty();
    }
}
