package dev.baton.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Given a lead and an event, the default rules give these points, tags and tier, with these reasons. */
class DefaultRulesTest {
    private static CompiledRuleSet rules;

    @BeforeAll
    static void compileOnce() {
        rules = DefaultRuleSet.compile();
    }

    private static Lead newLead() {
        return new Lead("lead-1", 0, null, Set.of(), Map.of());
    }

    private static BehaviourEvent event(String name, Map<String, Object> properties) {
        return new BehaviourEvent("e-1", "lead-1", name, properties, Instant.parse("2026-11-20T10:00:00Z"));
    }

    @Test
    void pricingPageViewIsWorthTwentyOnePointsFromThePointsTable() {
        ScoreCard card = rules.score(newLead(), event("Page Viewed", Map.of("category", "pricing")));

        assertThat(card.points()).isEqualTo(21);
        assertThat(card.changes()).extracting(ScoreChange::rule, ScoreChange::reason, ScoreChange::points)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("Page viewed", "page view", 1),
                        org.assertj.core.groups.Tuple.tuple("Pricing page viewed", "pricing page", 20));
        assertThat(tagsAdded(card)).doesNotContain("intent:pricing");
    }

    @Test
    void secondPricingViewWithinSevenDaysTagsPricingIntentAndAddsTenPoints() {
        Lead lead = new Lead("lead-1", 21, "cold", Set.of(), Map.of(),
                List.of(new Activity("Page Viewed", "pricing", Instant.parse("2026-11-15T10:00:00Z"))),
                Instant.parse("2026-11-20T10:00:00Z"));

        ScoreCard card = rules.score(lead, event("Page Viewed", Map.of("category", "pricing")));

        assertThat(card.points()).isEqualTo(31);
        assertThat(tagsAdded(card)).contains("intent:pricing");
    }

    @Test
    void pricingViewEightDaysAfterTheLastIsNoIntent() {
        Lead lead = new Lead("lead-1", 21, "cold", Set.of(), Map.of(),
                List.of(new Activity("Page Viewed", "pricing", Instant.parse("2026-11-12T09:00:00Z"))),
                Instant.parse("2026-11-20T10:00:00Z"));

        assertThat(tagsAdded(rules.score(lead, event("Page Viewed", Map.of("category", "pricing")))))
                .doesNotContain("intent:pricing");
    }

    @Test
    void rulesSeeWhenTheLeadWasFirstAndLastSeen() {
        CompiledRuleSet rules = new RuleSetCompiler().compile("seen", java.util.Map.of("seen.drl", """
                package dev.baton.rules.test;
                import dev.baton.rules.Lead;
                global dev.baton.rules.ScoreCard scoreCard;
                rule "Known for a month"
                when
                    Lead(daysKnown >= 30, lastSeen != null)
                then
                    scoreCard.tag("loyal");
                end
                """));
        LeadState state = LeadState.NEW;
        Instant first = Instant.parse("2026-10-01T10:00:00Z");
        state = rules.apply("l", state, Map.of(), new BehaviourEvent("a", "l", "Page Viewed", Map.of(), first)).state();
        state = rules.apply("l", state, Map.of(), new BehaviourEvent("b", "l", "Page Viewed", Map.of(),
                first.plus(java.time.Duration.ofDays(31)))).state();

        assertThat(state.firstSeen()).isEqualTo(first);
        assertThat(state.tags()).contains("loyal");
    }

    @Test
    void contentTopicBecomesAnInterestTag() {
        ScoreCard card = rules.score(newLead(), event("Page Viewed", Map.of("category", "blog", "topic", "Security")));
        assertThat(tagsAdded(card)).contains("interest:security");
    }

    @Test
    void seniorTitleAtALargeSoftwareCompanyIsGradeA() {
        Lead vp = new Lead("lead-1", 0, null, Set.of(), Map.of("title", "VP Marketing", "employees", 2500,
                "industry", "Software"));

        ScoreCard card = rules.score(vp, event("Page Viewed", Map.of()));

        assertThat(card.fitPoints()).isEqualTo(20 + 15 + 10);
        assertThat(card.changes()).filteredOn(c -> c.kind() == ScoreChange.Kind.FIT).extracting(ScoreChange::reason)
                .containsExactlyInAnyOrder("senior job title", "company of 1000+", "target industry");
        assertThat(tagsAdded(card)).contains("grade:A");
    }

    @Test
    void managerAtAMidSizeCompanyIsGradeBAndNestedCompanyTraitsCount() {
        Lead manager = new Lead("lead-1", 0, null, Set.of(), Map.of("title", "Marketing Manager",
                "company", Map.of("employee_count", "450", "industry", "Retail")));

        ScoreCard card = rules.score(manager, event("Page Viewed", Map.of()));

        assertThat(card.fitPoints()).isEqualTo(10 + 10);
        assertThat(tagsAdded(card)).contains("grade:B");
    }

    @Test
    void leadWithoutTraitsIsGradeDWithNoFit() {
        ScoreCard card = rules.score(newLead(), event("Page Viewed", Map.of()));
        assertThat(card.fitPoints()).isZero();
        assertThat(tagsAdded(card)).contains("grade:D");
    }

    @Test
    void plainPageViewIsWorthOnePoint() {
        assertThat(rules.score(newLead(), event("Page Viewed", Map.of("category", "blog"))).points()).isEqualTo(1);
    }

    @Test
    void caseStudyFormWebinarAndEmailClickHaveTheirPoints() {
        assertThat(rules.score(newLead(), event("Page Viewed", Map.of("category", "case-study"))).points()).isEqualTo(11);
        assertThat(rules.score(newLead(), event("Form Submitted", Map.of())).points()).isEqualTo(15);
        assertThat(rules.score(newLead(), event("Webinar Attended", Map.of())).points()).isEqualTo(15);
        assertThat(rules.score(newLead(), event("Email Clicked", Map.of())).points()).isEqualTo(5);
    }

    @Test
    void rejectionBySalesTakesFortyPointsSoAHotLeadCoolsToWarmAndIsTagged() {
        Lead lead = new Lead("lead-1", 70, "hot", Set.of(), Map.of());

        ScoreCard card = rules.score(lead, event("Sales Rejected", Map.of("reason", "no budget")));

        assertThat(card.points()).isEqualTo(-40);
        assertThat(tierSet(card)).isEqualTo("warm");
        assertThat(tagsAdded(card)).contains("sales:rejected");
    }

    @Test
    void conversionBySalesMakesTheLeadACustomer() {
        assertThat(tagsAdded(rules.score(newLead(), event("Sales Converted", Map.of())))).contains("customer");
    }

    @Test
    void unknownEventScoresNothing() {
        assertThat(rules.score(newLead(), event("Something Else", Map.of())).points()).isZero();
    }

    @Test
    void newLeadWithFewPointsIsCold() {
        ScoreCard card = rules.score(newLead(), event("Page Viewed", Map.of()));
        assertThat(tierSet(card)).isEqualTo("cold");
    }

    @Test
    void leadCrossingTwentyFivePointsTurnsWarm() {
        Lead lead = new Lead("lead-1", 20, "cold", Set.of(), Map.of());
        ScoreCard card = rules.score(lead, event("Email Clicked", Map.of()));
        assertThat(tierSet(card)).isEqualTo("warm");
    }

    @Test
    void leadCrossingSixtyPointsTurnsHot() {
        Lead lead = new Lead("lead-1", 45, "warm", Set.of(), Map.of());
        ScoreCard card = rules.score(lead, event("Page Viewed", Map.of("category", "pricing")));
        assertThat(tierSet(card)).isEqualTo("hot");
    }

    @Test
    void leadStayingInItsBandGetsNoTierChange() {
        Lead lead = new Lead("lead-1", 30, "warm", Set.of(), Map.of());
        ScoreCard card = rules.score(lead, event("Page Viewed", Map.of()));
        assertThat(card.changes()).noneMatch(c -> c.kind() == ScoreChange.Kind.TIER);
    }

    @Test
    void mergedScoreIsBandedWithoutAnEvent() {
        assertThat(rules.tier(new Lead("lead-1", 70, "warm", Set.of(), Map.of()))).isEqualTo("hot");
        assertThat(rules.tier(new Lead("lead-1", 30, "warm", Set.of(), Map.of()))).isNull();
    }

    private static List<String> tagsAdded(ScoreCard card) {
        return card.changes().stream().filter(c -> c.kind() == ScoreChange.Kind.TAG).map(ScoreChange::value).toList();
    }

    private static String tierSet(ScoreCard card) {
        return card.changes().stream().filter(c -> c.kind() == ScoreChange.Kind.TIER).map(ScoreChange::value)
                .reduce((a, b) -> b).orElse(null);
    }
}
