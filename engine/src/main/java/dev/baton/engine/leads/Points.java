package dev.baton.engine.leads;

import dev.baton.rules.ScoreDecay;
import java.time.Instant;

/**
 * A lead's points as of one instant: behaviour points (which decay with age) and fit points
 * (which do not). The score shown is their rounded sum; at a later instant it is the same sum
 * with the behaviour points decayed, so no event needs replaying to know it.
 *
 * @param asOf the instant the values hold at (null for a lead never scored)
 */
record Points(double behaviour, double fit, Instant asOf) {
    static final Points NONE = new Points(0, 0, null);

    public int score() {
        return ScoreDecay.score(behaviour, fit);
    }
}
