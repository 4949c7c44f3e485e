package dev.baton.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How behaviour points lose value with age: each point halves every {@code halfLife}. Fit points
 * (who the lead is) do not decay. Because every behaviour point decays by the same factor, a
 * lead's behaviour points are one number, valid as of one instant, and its score at any later
 * instant is known without replaying its events.
 *
 * @param halfLife null for a rule set whose points never decay
 */
public record ScoreDecay(Duration halfLife) {
    public static final ScoreDecay NONE = new ScoreDecay(null);

    public ScoreDecay {
        if (halfLife != null && (halfLife.isNegative() || halfLife.isZero())) {
            throw new IllegalArgumentException("a decay half-life must be positive, was " + halfLife);
        }
    }

    /** The factor points earned at {@code from} are worth at {@code to} (1 when {@code to} is not later). */
    public double factor(Instant from, Instant to) {
        if (halfLife == null || from == null || to == null || !to.isAfter(from)) {
            return 1.0;
        }
        double halfLives = (double) Duration.between(from, to).toMillis() / halfLife.toMillis();
        return Math.pow(0.5, halfLives);
    }

    /** A score as rules and people see it: whole points, rounded. */
    public static int score(double behaviour, double fit) {
        return (int) Math.round(behaviour + fit);
    }

    /**
     * When a lead whose points were {@code behaviour} and {@code fit} at {@code at} reaches a
     * score of {@code target} or less by decay alone; empty when it never does.
     */
    public Optional<Instant> whenScoreReaches(int target, double behaviour, double fit, Instant at) {
        double below = target + 0.5 - fit; // the behaviour points under which the rounded score is <= target
        if (halfLife == null || behaviour <= 0 || below <= 0) {
            return Optional.empty();
        }
        if (behaviour < below) {
            return Optional.of(at);
        }
        double halfLives = Math.log(behaviour / below) / Math.log(2);
        // Rounded up to the next millisecond, so that at the instant returned the score is there.
        return Optional.of(at.plusMillis((long) Math.ceil(halfLives * halfLife.toMillis()) + 1));
    }
}
