package dev.baton.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Behaviour points lose value with age, so a lead nobody touches drops tier on time. */
class ScoreDecayTest {
    private static final Instant SCORED = Instant.parse("2026-03-01T09:00:00Z");
    private final CompiledRuleSet rules = DefaultRuleSet.compile();

    @Test
    void pointsHalveEveryHalfLife() {
        ScoreDecay decay = new ScoreDecay(Duration.ofDays(30));

        assertThat(decay.factor(SCORED, SCORED.plus(Duration.ofDays(30)))).isCloseTo(0.5, within(1e-9));
        assertThat(decay.factor(SCORED, SCORED.plus(Duration.ofDays(60)))).isCloseTo(0.25, within(1e-9));
        assertThat(decay.factor(SCORED, SCORED.minus(Duration.ofDays(5)))).as("no growth backwards").isEqualTo(1.0);
    }

    @Test
    void hotLeadLeftAloneTurnsWarmExactlyWhenItsPointsAgeBelowTheHotBand() {
        // 80 behaviour points: hot (60+). Warm once 80 * 0.5^(days/30) rounds to 59, after about 12.8 days.
        Instant change = rules.nextTierChange(80, 0, SCORED).orElseThrow();

        assertThat(Duration.between(SCORED, change).toHours()).isBetween(12 * 24L, 13 * 24L);
        double factorJustBefore = rules.decay().factor(SCORED, change.minusSeconds(60));
        double factorAt = rules.decay().factor(SCORED, change);
        assertThat(rules.band(ScoreDecay.score(80 * factorJustBefore, 0))).isEqualTo("hot");
        assertThat(rules.band(ScoreDecay.score(80 * factorAt, 0))).isEqualTo("warm");
    }

    @Test
    void fitPointsDoNotDecaySoAFitLeadKeepsItsFloor() {
        // 30 fit points alone keep a lead warm forever: 40 behaviour points can only take it down to warm.
        Instant change = rules.nextTierChange(40, 30, SCORED).orElseThrow();
        assertThat(rules.band(ScoreDecay.score(40 * rules.decay().factor(SCORED, change), 30))).isEqualTo("warm");
        Instant warmForever = rules.nextTierChange(40 * rules.decay().factor(SCORED, change), 30, change).orElse(null);
        assertThat(warmForever).isNull();
    }

    @Test
    void ruleSetWithoutDecayNeverChangesTierOnItsOwn() {
        CompiledRuleSet noDecay = new RuleSetCompiler().compile("no-decay", DefaultRuleSet.files());

        assertThat(noDecay.nextTierChange(80, 0, SCORED)).isEmpty();
        assertThat(noDecay.decay().factor(SCORED, SCORED.plus(Duration.ofDays(365)))).isEqualTo(1.0);
    }

    @Test
    void coldLeadHasNoLowerTierToDropTo() {
        assertThat(rules.nextTierChange(10, 0, SCORED)).isEmpty();
        assertThat(rules.band(10)).isEqualTo("cold");
        assertThat(rules.band(25)).isEqualTo("warm");
        assertThat(rules.band(60)).isEqualTo("hot");
    }
}
