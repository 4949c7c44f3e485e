package dev.baton.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A test case stored with a rule set: given a lead's traits and events, the rules must give this
 * score, tier and tags. Ops write them next to their rules; a version whose cases fail is refused.
 *
 * @param expect what must hold after the events; a null field is not checked
 */
public record RuleSetTestCase(String name, Map<String, Object> traits, List<Event> events, Expectation expect) {

    /** One event of a case; {@code at} defaults to one minute after the previous event. */
    public record Event(String event, Map<String, Object> properties, Instant at) {
    }

    /** @param tags tags that must be present (others may be too) */
    public record Expectation(Integer score, String tier, Set<String> tags) {
    }

    /** The outcome of one case: passed, or what differed. */
    public record Result(String name, boolean passed, int score, String tier, Set<String> tags, List<String> failures) {
    }

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    public Result run(CompiledRuleSet rules) {
        LeadState state = LeadState.NEW;
        Instant at = START;
        Map<String, Object> leadTraits = traits == null ? Map.of() : traits;
        int n = 0;
        for (Event event : events == null ? List.<Event>of() : events) {
            at = event.at() != null ? event.at() : at.plusSeconds(60);
            state = rules.apply("test-lead", state, leadTraits,
                    new BehaviourEvent("test-" + n++, "test-lead", Objects.requireNonNullElse(event.event(), ""),
                            event.properties(), at)).state();
        }
        List<String> failures = new ArrayList<>();
        if (expect != null) {
            if (expect.score() != null && expect.score() != state.score()) {
                failures.add("score: expected " + expect.score() + ", got " + state.score());
            }
            if (expect.tier() != null && !expect.tier().equals(state.tier())) {
                failures.add("tier: expected " + expect.tier() + ", got " + state.tier());
            }
            if (expect.tags() != null && !state.tags().containsAll(expect.tags())) {
                failures.add("tags: expected " + expect.tags() + " among " + state.tags());
            }
        }
        return new Result(name, failures.isEmpty(), state.score(), state.tier(), state.tags(), failures);
    }
}
