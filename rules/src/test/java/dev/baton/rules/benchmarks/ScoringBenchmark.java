package dev.baton.rules.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.rules.BehaviourEvent;
import dev.baton.rules.CompiledRuleSet;
import dev.baton.rules.DefaultRuleSet;
import dev.baton.rules.LeadState;
import dev.baton.rules.RuleSetCompiler;
import dev.baton.rules.ScoreDecay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (surefire's default run skips it; run it with
 * {@code mvn -pl rules test -Dtest=ScoringBenchmark}): events per second through the scoring step
 * with the default rule set, beside a hand-written Java scorer of the same points table and intent rule measured
 * in the same run, and compile + activate time for a 200-rule set.
 */
class ScoringBenchmark {
    private static final int EVENTS = Integer.getInteger("baton.bench.events", 200_000);
    private static final int LEADS = 2_000;
    private static final int ROUNDS = 3;

    @Test
    void scoringThroughputBesideAHandWrittenScorerAndCompileTimeOfA200RuleSet() {
        List<BehaviourEvent> events = events();
        CompiledRuleSet rules = DefaultRuleSet.compile();

        // Warm-up, then the best of ROUNDS for each, alternating so both see the same machine state.
        long droolsTotal = scoreWithDrools(rules, events.subList(0, 20_000));
        long javaTotal = scoreByHand(events.subList(0, 20_000));
        assertThat(droolsTotal).as("both scorers give the same points").isEqualTo(javaTotal);
        long droolsBest = Long.MAX_VALUE;
        long javaBest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            droolsTotal = scoreWithDrools(rules, events);
            droolsBest = Math.min(droolsBest, System.nanoTime() - started);
            started = System.nanoTime();
            javaTotal = scoreByHand(events);
            javaBest = Math.min(javaBest, System.nanoTime() - started);
            assertThat(droolsTotal).isEqualTo(javaTotal);
        }
        double droolsPerSecond = EVENTS / (droolsBest / 1e9);
        double javaPerSecond = EVENTS / (javaBest / 1e9);

        Map<String, String> big = ruleSetOf(200);
        long[] compileMillis = new long[ROUNDS];
        int ruleCount = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            CompiledRuleSet compiled = new RuleSetCompiler().compile("bench-" + round, big, DefaultRuleSet.DECAY);
            // Activation is an atomic reference swap; the first session is what the next event pays.
            compiled.apply("lead", LeadState.NEW, Map.of(), events.get(0));
            compileMillis[round] = (System.nanoTime() - started) / 1_000_000;
            ruleCount = compiled.ruleCount();
        }
        Arrays.sort(compileMillis);

        System.out.printf("%nScoring benchmark (%,d events over %,d leads, one thread, best of %d)%n", EVENTS, LEADS, ROUNDS);
        System.out.printf("  Drools, default rule set (%d rules): %,.0f events/s%n", rules.ruleCount(), droolsPerSecond);
        System.out.printf("  hand-written Java, same points table: %,.0f events/s%n", javaPerSecond);
        System.out.printf("  ratio Drools / hand-written:          %.3f%n", droolsPerSecond / javaPerSecond);
        System.out.printf("  compile + activate, %d-rule set:     median %d ms (min %d, max %d)%n%n", ruleCount,
                compileMillis[ROUNDS / 2], compileMillis[0], compileMillis[ROUNDS - 1]);
        assertThat(ruleCount).isEqualTo(203);
    }

    private static long scoreWithDrools(CompiledRuleSet rules, List<BehaviourEvent> events) {
        Map<String, LeadState> leads = new LinkedHashMap<>();
        for (BehaviourEvent event : events) {
            LeadState state = leads.getOrDefault(event.getLeadId(), LeadState.NEW);
            leads.put(event.getLeadId(), rules.apply(event.getLeadId(), state, Map.of(), event).state());
        }
        return leads.values().stream().mapToLong(LeadState::score).sum();
    }

    /**
     * The default rule set's points table, intent rule and tiers, written by hand: the floor Drools
     * is measured against. Like the rules, it remembers each lead's recent pricing views (last 30
     * days, at most 50 events) to give the 10 points for coming back within 7 days.
     */
    private static long scoreByHand(List<BehaviourEvent> events) {
        ScoreDecay decay = DefaultRuleSet.DECAY;
        Map<String, LeadState> leads = new LinkedHashMap<>();
        Map<String, java.util.ArrayDeque<Instant[]>> recent = new java.util.HashMap<>();
        for (BehaviourEvent event : events) {
            LeadState state = leads.getOrDefault(event.getLeadId(), LeadState.NEW);
            Instant at = state.asOf() == null || event.getTimestamp().isAfter(state.asOf()) ? event.getTimestamp() : state.asOf();
            double behaviour = state.behaviour() * decay.factor(state.asOf(), at);
            java.util.ArrayDeque<Instant[]> seen = recent.computeIfAbsent(event.getLeadId(), id -> new java.util.ArrayDeque<>());
            int points = 0;
            Set<String> tags = state.tags();
            boolean pricing = false;
            switch (event.getName()) {
                case "Page Viewed" -> {
                    points += 1;
                    String category = event.text("category");
                    if (category.equals("pricing")) {
                        pricing = true;
                        points += 20;
                        Instant weekBefore = event.getTimestamp().minus(Duration.ofDays(7));
                        for (Instant[] view : seen) {
                            if (view[0] != null && !view[0].isBefore(weekBefore) && !view[0].isAfter(event.getTimestamp())) {
                                points += 10;
                                tags = plus(tags, "intent:pricing");
                                break;
                            }
                        }
                    } else if (category.equals("case-study")) {
                        points += 10;
                    }
                }
                case "Form Submitted", "Webinar Attended" -> points += 15;
                case "Webinar Registered" -> points += 5;
                case "Email Clicked" -> points += 5;
                case "Content Shared" -> points += 10;
                default -> { }
            }
            // Remember this event (a pricing view by its time, anything else as a gap), 30 days, 50 at most.
            seen.addLast(new Instant[] {pricing ? event.getTimestamp() : null, event.getTimestamp()});
            Instant monthBefore = event.getTimestamp().minus(Duration.ofDays(30));
            while (seen.size() > 50 || seen.peekFirst()[1].isBefore(monthBefore)) {
                seen.removeFirst();
            }
            behaviour += points * decay.factor(event.getTimestamp(), at);
            int score = ScoreDecay.score(behaviour, state.fit());
            String tier = score >= 60 ? "hot" : score >= 25 ? "warm" : "cold";
            leads.put(event.getLeadId(), new LeadState(behaviour, state.fit(), at, tier, tags));
        }
        return leads.values().stream().mapToLong(LeadState::score).sum();
    }

    private static Set<String> plus(Set<String> tags, String tag) {
        if (tags.contains(tag)) {
            return tags;
        }
        Set<String> more = new java.util.HashSet<>(tags);
        more.add(tag);
        return more;
    }

    private static List<BehaviourEvent> events() {
        Random random = new Random(42);
        String[] categories = {"pricing", "case-study", "blog", "docs", "careers"};
        String[] names = {"Page Viewed", "Page Viewed", "Page Viewed", "Form Submitted", "Webinar Attended", "Email Clicked", "Signed Up"};
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<BehaviourEvent> events = new ArrayList<>(EVENTS);
        for (int n = 0; n < EVENTS; n++) {
            String name = names[random.nextInt(names.length)];
            Map<String, Object> properties = name.equals("Page Viewed")
                    ? Map.of("category", categories[random.nextInt(categories.length)]) : Map.of();
            events.add(new BehaviourEvent("m" + n, "lead-" + random.nextInt(LEADS), name, properties,
                    start.plus(Duration.ofMinutes(n))));
        }
        return events;
    }

    /** {@code count} page-category rules plus the default tiers: the size of a large real-world points table. */
    private static Map<String, String> ruleSetOf(int count) {
        StringBuilder drl = new StringBuilder("""
                package dev.baton.rules.bench;
                import dev.baton.rules.BehaviourEvent;
                global dev.baton.rules.ScoreCard scoreCard;
                """);
        for (int n = 0; n < count; n++) {
            drl.append("""
                    rule "Category %1$d viewed"
                    when
                        BehaviourEvent(name == "Page Viewed", properties["category"] == "category-%1$d")
                    then
                        scoreCard.addPoints("category %1$d", %2$d);
                    end
                    """.formatted(n, 1 + n % 20));
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("categories.drl", drl.toString());
        files.put("tiers.drl", DefaultRuleSet.files().get("tiers.drl"));
        return files;
    }
}
