package dev.baton.rules.advocacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.rules.RuleSetCompilationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvocacyRulesTest {
    private final AdvocacyRules rules = AdvocacyRules.defaults();

    @Test
    void pointsRewardSharingReachEngagementAndFormsEachWithItsRule() {
        var points = rules.award(List.of(new AdvocacyActivity("alice", "north", 1, 1, 1, 2, 1, 1)));

        AdvocacyPoints alice = points.get("alice");
        assertThat(alice.total()).isEqualTo(2 + 5 + 3 + 4 + 10);
        assertThat(alice.awards()).extracting(AdvocacyPoints.Award::rule)
                .containsExactlyInAnyOrder("Sharing", "Direct reach", "Reach through re-shares", "Engagement brought",
                        "Forms brought");
    }

    @Test
    void makingLinksAloneIsCappedAndNothingBroughtGivesNoReachPoints() {
        var points = rules.award(List.of(new AdvocacyActivity("spammer", "south", 500, 0, 0, 0, 0, 0)));

        assertThat(points.get("spammer").total()).isEqualTo(20);
    }

    @Test
    void opsRulesThatDoNotCompileAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> AdvocacyRules.compile("draft", Map.of("points.drl", """
                package dev.baton.rules.advocacy;
                import dev.baton.rules.advocacy.AdvocacyActivity;
                rule "Broken"
                when
                    $a : AdvocacyActivity( sharez > 0 )
                then
                end
                """))).isInstanceOfSatisfying(RuleSetCompilationException.class,
                e -> assertThat(e.errors()).anyMatch(error -> error.line() == 5));
    }
}
