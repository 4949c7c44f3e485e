package dev.baton.rules.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.rules.RuleSetCompilationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The default assignment rules, and rules ops write, exclude and prefer reps. */
class AssignmentRulesTest {
    private static final AssignmentRules DEFAULTS = AssignmentRules.compile("default", AssignmentRules.defaultFiles());

    @Test
    void aRepsLastFreeSlotIsKeptForHotLeads() {
        var warm = DEFAULTS.choose(lead("warm", null), List.of(candidate("anna", 5, 4), candidate("bert", 5, 1)));
        var hot = DEFAULTS.choose(lead("hot", null), List.of(candidate("anna", 5, 4), candidate("bert", 5, 1)));

        assertThat(warm).extracting(Candidate::getRep).containsExactly("anna");
        assertThat(hot).extracting(Candidate::getRep).containsExactly("anna", "bert");
    }

    @Test
    void gradeALeadsGoToRepsWithRoomToSpare() {
        var chosen = DEFAULTS.choose(lead("hot", "A"), List.of(candidate("anna", 5, 4), candidate("bert", 5, 1)));

        assertThat(chosen).extracting(Candidate::getRep).containsExactly("anna");
        assertThat(chosen.get(0).reasons()).containsExactly("Grade A leads go to reps with room to spare: +10");
    }

    @Test
    void rulesOpsWriteCanRouteByTraitAndABrokenFileNamesItsLine() {
        AssignmentRules enterprise = AssignmentRules.compile("1", Map.of("enterprise.drl", """
                package dev.baton.rules.sales;
                rule "Enterprise accounts to the enterprise team"
                when
                    SalesLead( trait("segment") == "enterprise" )
                    $c : Candidate( team != "enterprise" )
                then
                    $c.exclude(drools.getRule().getName(), "not the enterprise team");
                end
                """));
        SalesLead big = new SalesLead("l1", "hot", 80, null, "DE", null, "de", null, Set.of(), Map.of("segment", "enterprise"));
        Candidate ent = new Candidate("eva", "enterprise", 5, 0, List.of(), List.of(), List.of());

        assertThat(enterprise.choose(big, List.of(candidate("anna", 5, 0), ent))).containsExactly(ent);
        assertThatThrownBy(() -> AssignmentRules.compile("2", Map.of("broken.drl", "rule \"x\" when Nope( then end")))
                .isInstanceOf(RuleSetCompilationException.class).hasMessageContaining("broken.drl");
    }

    private static SalesLead lead(String tier, String grade) {
        return new SalesLead("l1", tier, 70, grade, "DE", null, null, null, Set.of(), Map.of());
    }

    private static Candidate candidate(String rep, int capacity, int free) {
        return new Candidate(rep, "emea", capacity, capacity - free, List.of(), List.of(), List.of());
    }
}
