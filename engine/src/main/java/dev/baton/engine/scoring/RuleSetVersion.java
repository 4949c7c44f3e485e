package dev.baton.engine.scoring;

import dev.baton.rules.DefaultRuleSet;
import dev.baton.rules.RuleError;
import dev.baton.rules.RuleSetCompilationException;
import dev.baton.rules.RuleSetTestCase;
import dev.baton.rules.ScoreDecay;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * One stored version of a rule set: its DRL files, how fast its behaviour points decay, who
 * uploaded it, when, and what changed from the version before. Versions are immutable;
 * activating one is a pointer change, so rolling back is activating an older one.
 *
 * @param version       1, 2, …; version 0 is the default rule set shipped in the rules module
 * @param decayHalfLife ISO-8601 duration ("P30D") after which behaviour points are worth half;
 *                      "none" for no decay; null for the default rule set's (30 days)
 * @param changes       what differs from the previous version ("+ rule …", "~ file …")
 * @param tests         the version's own test cases (events → expected score, tier, tags)
 */
record RuleSetVersion(int version, Map<String, String> files, String author, String note, Instant createdAt,
                             String decayHalfLife, List<String> changes, List<RuleSetTestCase> tests) {

    public RuleSetVersion {
        changes = changes == null ? List.of() : List.copyOf(changes);
        tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** The decay this version declares; a bad value is a 422 like a compile error, naming the field. */
    public ScoreDecay decay() {
        return decay(decayHalfLife);
    }

    static ScoreDecay decay(String halfLife) {
        if (halfLife == null || halfLife.isBlank()) {
            return DefaultRuleSet.DECAY;
        }
        if ("none".equalsIgnoreCase(halfLife.strip())) {
            return ScoreDecay.NONE;
        }
        try {
            Duration duration = Duration.parse(halfLife.strip());
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return new ScoreDecay(duration);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new RuleSetCompilationException(List.of(new RuleError("decayHalfLife", 0, 0,
                    "decayHalfLife '" + halfLife + "' is not a positive ISO-8601 duration such as P30D or PT12H, nor 'none'")));
        }
    }
}
