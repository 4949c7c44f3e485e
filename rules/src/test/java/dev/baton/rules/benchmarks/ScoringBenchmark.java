package dev.baton.rules.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.rules.BehaviourEvent;
import dev.baton.rules.Activity;
import dev.baton.rules.CompiledRuleSet;
import dev.baton.rules.DefaultRuleSet;
import dev.baton.rules.Lead;
import dev.baton.rules.LeadState;
import dev.baton.rules.RuleSetCompiler;
import dev.baton.rules.ScoreCard;
import dev.baton.rules.ScoreDecay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (surefire's default run skips it; run it with
 * {@code mvn -pl rules test -Dtest=ScoringBenchmark}): events per second through the scoring step
 * with the default rule set, beside the same rules written by hand in Java (points, fit, grade,
 * tags, intent, tiers, decay; every lead's resulting state checked equal) measured in the same
 * run, and compile + activate time for a 200-rule set.
 */
class ScoringBenchmark {
    private static final int EVENTS = Integer.getInteger("baton.bench.events", 200_000);
    private static final int LEADS = 2_000;
    private static final int ROUNDS = 3;

    @Test
    void scoringThroughputBesideAHandWrittenScorerAndCompileTimeOfA200RuleSet() {
        List<BehaviourEvent> events = events();
        Map<String, Map<String, Object>> traits = traits();
        CompiledRuleSet rules = DefaultRuleSet.compile();

        // Warm-up, then the best of ROUNDS for each, alternating so both see the same machine state.
        assertSame(scoreWithDrools(rules, events.subList(0, 20_000), traits), scoreByHand(events.subList(0, 20_000), traits));
        long droolsBest = Long.MAX_VALUE;
        long javaBest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            Map<String, LeadState> drools = scoreWithDrools(rules, events, traits);
            droolsBest = Math.min(droolsBest, System.nanoTime() - started);
            started = System.nanoTime();
            Map<String, LeadState> java = scoreByHand(events, traits);
            javaBest = Math.min(javaBest, System.nanoTime() - started);
            assertSame(drools, java);
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

        System.out.printf("%nScoring benchmark (%,d events over %,d leads with job titles, company sizes and industries,"
                + " one thread, best of %d)%n", EVENTS, LEADS, ROUNDS);
        System.out.printf("  Drools, default rule set (%d rules):           %,.0f events/s%n", rules.ruleCount(), droolsPerSecond);
        System.out.printf("  hand-written Java, the same rules (same states): %,.0f events/s%n", javaPerSecond);
        System.out.printf("  ratio Drools / hand-written:                    %.3f%n", droolsPerSecond / javaPerSecond);
        System.out.printf("  compile + activate, %d-rule set:               median %d ms (min %d, max %d)%n%n", ruleCount,
                compileMillis[ROUNDS / 2], compileMillis[0], compileMillis[ROUNDS - 1]);
        assertThat(ruleCount).isEqualTo(203);
    }

    /** Both scorers left every lead with the same score, fit, tier and tags. */
    private static void assertSame(Map<String, LeadState> drools, Map<String, LeadState> java) {
        assertThat(java.keySet()).isEqualTo(drools.keySet());
        drools.forEach((lead, state) -> {
            LeadState other = java.get(lead);
            assertThat(other.score()).as(lead + " score").isEqualTo(state.score());
            assertThat(other.fit()).as(lead + " fit").isEqualTo(state.fit());
            assertThat(other.tier()).as(lead + " tier").isEqualTo(state.tier());
            assertThat(other.tags()).as(lead + " tags").isEqualTo(state.tags());
        });
    }

    private static Map<String, LeadState> scoreWithDrools(CompiledRuleSet rules, List<BehaviourEvent> events,
                                                          Map<String, Map<String, Object>> traits) {
        Map<String, LeadState> leads = new HashMap<>();
        for (BehaviourEvent event : events) {
            LeadState state = leads.getOrDefault(event.getLeadId(), LeadState.NEW);
            leads.put(event.getLeadId(), rules.apply(event.getLeadId(), state, traits.get(event.getLeadId()), event).state());
        }
        return leads;
    }

    private static final String SENIOR = "chief, ceo, cto, cfo, cmo, coo, cio, vp, vice president, director, head, founder, owner";
    private static final String INDUSTRIES = "software, saas, internet, fintech, financial services, banking, insurance, manufacturing";

    /**
     * The default rule set written by hand (points table, intent and interest tags, fit, grade,
     * tiers, decay), applied to a lead's state as {@link CompiledRuleSet#apply} applies the rules'
     * card: the floor Drools is measured against. It keeps each lead's recent activity (30 days,
     * at most 50 events) for "pricing page again within 7 days", and reads traits with the same
     * helpers the rules call.
     */
    private static Map<String, LeadState> scoreByHand(List<BehaviourEvent> events, Map<String, Map<String, Object>> traits) {
        ScoreDecay decay = DefaultRuleSet.DECAY;
        Map<String, LeadState> leads = new HashMap<>();
        Map<String, ArrayDeque<BehaviourEvent>> recent = new HashMap<>();
        Map<String, Lead> people = new HashMap<>();
        for (BehaviourEvent event : events) {
            String id = event.getLeadId();
            LeadState state = leads.getOrDefault(id, LeadState.NEW);
            Lead lead = people.computeIfAbsent(id, key -> new Lead(key, 0, null, Set.of(), traits.get(key)));
            ArrayDeque<BehaviourEvent> seen = recent.computeIfAbsent(id, key -> new ArrayDeque<>());
            Instant at = state.asOf() == null || event.getTimestamp().isAfter(state.asOf()) ? event.getTimestamp() : state.asOf();
            double behaviour = state.behaviour() * decay.factor(state.asOf(), at);
            int scoreNow = ScoreDecay.score(behaviour, state.fit());
            String name = event.getName();
            String category = event.text("category");
            Set<String> tags = new HashSet<>(state.tags());

            int points = switch (name) {
                case "Page Viewed" -> 1 + (category.equals("pricing") ? 20 : category.equals("case-study") ? 10 : 0);
                case "Form Submitted", "Webinar Attended" -> 15;
                case "Webinar Registered", "Email Clicked" -> 5;
                case "Content Shared" -> 10;
                case "Sales Rejected" -> -40;
                default -> 0;
            };
            String topic = event.text("topic");
            if (!topic.isEmpty()) {
                tags.add("interest:" + topic.toLowerCase());
            }
            if (name.equals("Webinar Attended") || category.equals("webinar")) {
                tags.add("interest:webinar");
            }
            if (name.equals("Page Viewed") && category.equals("pricing")) {
                Instant weekBefore = event.getTimestamp().minus(Duration.ofDays(7));
                for (BehaviourEvent earlier : seen) {
                    if (earlier.getName().equals("Page Viewed") && earlier.text("category").equals("pricing")
                            && !earlier.getTimestamp().isBefore(weekBefore) && !earlier.getTimestamp().isAfter(event.getTimestamp())) {
                        points += 10;
                        tags.add("intent:pricing");
                        break;
                    }
                }
            }
            if (name.equals("Form Submitted") && event.text("form").toLowerCase().contains("demo")) {
                tags.add("intent:demo");
            }
            if (name.equals("Sales Converted")) {
                tags.add("customer");
            }
            if (name.equals("Sales Rejected")) {
                tags.add("sales:rejected");
            }

            int fit = 0;
            boolean senior = lead.traitHasAny("title", SENIOR);
            fit += senior ? 20 : lead.traitHasAny("title", "manager, lead") ? 10 : 0;
            if (lead.number("employees") >= 1000 || lead.number("company.employee_count") >= 1000) {
                fit += 15;
            }
            double employees = lead.number("employees") >= 0 ? lead.number("employees") : lead.number("company.employee_count");
            fit += employees >= 200 && employees < 1000 ? 10 : employees >= 50 && employees < 200 ? 5 : 0;
            if (lead.traitIsAny("industry", INDUSTRIES) || lead.traitIsAny("company.industry", INDUSTRIES)) {
                fit += 10;
            }
            tags.removeIf(tag -> tag.startsWith(ScoreCard.GRADE));
            tags.add(ScoreCard.GRADE + (fit >= 35 ? "A" : fit >= 20 ? "B" : fit >= 10 ? "C" : "D"));

            int total = scoreNow + points + fit;
            String band = total >= 60 ? "hot" : total >= 25 ? "warm" : "cold";
            String tier = band.equals(state.tier()) ? state.tier() : band;

            seen.addLast(event);
            Instant monthBefore = event.getTimestamp().minus(Activity.WINDOW);
            while (seen.size() > Activity.MAX || seen.peekFirst().getTimestamp().isBefore(monthBefore)) {
                seen.removeFirst();
            }
            behaviour += points * decay.factor(event.getTimestamp(), at);
            leads.put(id, new LeadState(behaviour, fit, at, tier, tags, List.of(),
                    state.firstSeen() == null ? event.getTimestamp() : state.firstSeen()));
        }
        return leads;
    }

    private static List<BehaviourEvent> events() {
        Random random = new Random(42);
        String[] categories = {"pricing", "case-study", "blog", "docs", "careers", "webinar"};
        String[] topics = {"", "", "", "AI", "Security", "Cloud"};
        String[] names = {"Page Viewed", "Page Viewed", "Page Viewed", "Page Viewed", "Form Submitted", "Webinar Registered",
                "Webinar Attended", "Email Clicked", "Content Shared", "Signed Up", "Sales Rejected", "Sales Converted"};
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<BehaviourEvent> events = new ArrayList<>(EVENTS);
        for (int n = 0; n < EVENTS; n++) {
            String name = names[random.nextInt(names.length)];
            Map<String, Object> properties = switch (name) {
                case "Page Viewed" -> Map.of("category", categories[random.nextInt(categories.length)],
                        "topic", topics[random.nextInt(topics.length)]);
                case "Form Submitted" -> Map.of("form", random.nextBoolean() ? "Demo request" : "Newsletter");
                default -> Map.of();
            };
            events.add(new BehaviourEvent("m" + n, "lead-" + random.nextInt(LEADS), name, properties,
                    start.plus(Duration.ofMinutes(n))));
        }
        return events;
    }

    /** Each lead's traits, as identify and forms send them: job title, company size (two spellings), industry. */
    private static Map<String, Map<String, Object>> traits() {
        Random random = new Random(7);
        String[] titles = {"", "CTO", "VP Marketing", "Head of Growth", "Marketing Manager", "Team Lead", "Engineer", "Analyst"};
        String[] industries = {"", "Software", "Banking", "Retail", "Manufacturing", "Education"};
        Map<String, Map<String, Object>> traits = new HashMap<>();
        for (int n = 0; n < LEADS; n++) {
            Map<String, Object> lead = new HashMap<>();
            lead.put("title", titles[random.nextInt(titles.length)]);
            int employees = new int[] {10, 80, 300, 2500}[random.nextInt(4)];
            if (random.nextBoolean()) {
                lead.put("employees", employees);
            } else {
                lead.put("company", Map.of("employee_count", employees, "industry", industries[random.nextInt(industries.length)]));
            }
            lead.put("industry", industries[random.nextInt(industries.length)]);
            traits.put("lead-" + n, lead);
        }
        return traits;
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
