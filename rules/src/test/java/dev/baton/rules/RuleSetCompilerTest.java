package dev.baton.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RuleSetCompilerTest {
    private static final String HEADER = """
            package dev.baton.rules.test;
            import dev.baton.rules.BehaviourEvent;
            global dev.baton.rules.ScoreCard scoreCard;
            """;

    @Test
    void syntaxErrorIsReportedWithFileAndLine() {
        String broken = HEADER + """

                rule "Broken"
                when
                    BehaviourEvent(name == "Page Viewed"))
                then
                    scoreCard.addPoints("x", 1);
                end
                """;
        assertThatThrownBy(() -> new RuleSetCompiler().compile("draft", Map.of("broken.drl", broken)))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> {
                    assertThat(e.errors()).isNotEmpty();
                    assertThat(e.errors()).allSatisfy(error -> assertThat(error.file()).isEqualTo("broken.drl"));
                    assertThat(e.errors()).extracting(RuleError::line).contains(7);
                    assertThat(e.errors()).extracting(RuleError::column).contains(41);
                });
    }

    @Test
    void validRuleSetScoresWithItsOwnRules() {
        String drl = HEADER + """
                rule "Anything is worth three"
                when
                    BehaviourEvent()
                then
                    scoreCard.addPoints("anything", 3);
                end
                """;
        CompiledRuleSet compiled = new RuleSetCompiler().compile("v2", Map.of("three.drl", drl));
        ScoreCard card = compiled.score(new Lead("l", 0, null, Set.of(), Map.of()),
                new BehaviourEvent("e", "l", "Whatever", Map.of(), Instant.now()));

        assertThat(compiled.version()).isEqualTo("v2");
        assertThat(card.points()).isEqualTo(3);
        assertThat(card.changes()).singleElement().extracting(ScoreChange::rule).isEqualTo("Anything is worth three");
    }

    @Test
    void brokenRuleSetLeavesAnEarlierCompiledSetWorking() {
        CompiledRuleSet working = DefaultRuleSet.compile();
        assertThatThrownBy(() -> new RuleSetCompiler().compile("bad", Map.of("bad.drl", "rule oops")))
                .isInstanceOf(RuleSetCompilationException.class);
        ScoreCard card = working.score(new Lead("l", 0, null, Set.of(), Map.of()),
                new BehaviourEvent("e", "l", "Form Submitted", Map.of(), Instant.now()));
        assertThat(card.points()).isEqualTo(15);
    }

    @Test
    void everyRuleFileInTheDefaultFolderIsPartOfTheDefaultRuleSet() throws IOException {
        Path folder = Path.of("src/main/resources/dev/baton/rules/default");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".drl") || n.endsWith(".csv")))
                    .containsExactlyInAnyOrderElementsOf(DefaultRuleSet.FILES);
        }
    }

    @Test
    void changingANumberInThePointsTableChangesThePointsWithoutDrl() {
        Map<String, String> files = new java.util.LinkedHashMap<>(DefaultRuleSet.files());
        files.put("points.csv", files.get("points.csv").replace("\"form submitted, 15\"", "\"form submitted, 40\""));

        CompiledRuleSet changed = new RuleSetCompiler().compile("v2", files);

        assertThat(changed.score(new Lead("l", 0, null, Set.of(), Map.of()),
                new BehaviourEvent("e", "l", "Form Submitted", Map.of(), Instant.now())).points()).isEqualTo(40);
    }

    @Test
    void brokenActionInThePointsTableIsReportedAtItsRow() {
        Map<String, String> files = new java.util.LinkedHashMap<>(DefaultRuleSet.files());
        // Row 14 of the table: a points cell that is not a number.
        files.put("points.csv", files.get("points.csv").replace("\"form submitted, 15\"", "\"form submitted, fifteen\""));

        assertThatThrownBy(() -> new RuleSetCompiler().compile("bad", files))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.errors())
                        .anySatisfy(error -> {
                            assertThat(error.file()).isEqualTo("points.csv");
                            assertThat(error.line()).isEqualTo(14);
                        }));
    }

    @Test
    void tableWithoutRulesIsRejectedWithAMessage() {
        assertThatThrownBy(() -> new RuleSetCompiler().compile("bad", Map.of("points.csv", "just,some,cells\n")))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.errors())
                        .singleElement().satisfies(error -> {
                            assertThat(error.file()).isEqualTo("points.csv");
                            assertThat(error.message()).contains("not a valid decision table");
                        }));
    }

    @Test
    void fitPointsAreRecomputedOnEachEventNotAddedUp() {
        CompiledRuleSet rules = DefaultRuleSet.compile();
        Map<String, Object> traits = Map.of("title", "Head of Growth", "employees", 300);
        LeadState state = LeadState.NEW;
        for (int i = 0; i < 3; i++) {
            state = rules.apply("l", state, traits, new BehaviourEvent("e" + i, "l", "Page Viewed", Map.of(),
                    Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i))).state();
        }

        assertThat(state.fit()).isEqualTo(30);
        assertThat(state.tags()).containsExactly("grade:B");
        assertThat(state.recent()).hasSize(3);
    }
}
