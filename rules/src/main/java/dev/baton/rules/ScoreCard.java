package dev.baton.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The only way rules change a lead. Rules receive it as the global {@code scoreCard}; each call
 * is recorded with the firing rule's name so the result is explainable. Rules never do I/O.
 */
public final class ScoreCard {
    /** Prefix of the fit-grade tag ({@code grade:A} … {@code grade:D}); a lead has one. */
    public static final String GRADE = "grade:";
    private final List<ScoreChange> changes = new ArrayList<>();
    private String firingRule = "?";
    /** Running sums, asked for several times per event. */
    private int points;
    private int fitPoints;

    /** Called by the runtime before each rule fires, so changes carry the rule's name. */
    void firing(String ruleName) {
        this.firingRule = ruleName;
    }

    /** Behaviour points: what the lead did. */
    public void addPoints(String reason, int points) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.POINTS, reason, points, null));
        this.points += points;
    }

    /**
     * Fit points: who the lead is (traits such as seniority or company size). Fit rules fire on
     * every event; what they give replaces the lead's previous fit rather than adding to it.
     */
    public void fit(String reason, int points) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.FIT, reason, points, null));
        this.points += points;
        this.fitPoints += points;
    }

    public void tag(String tag) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.TAG, "tag " + tag, 0, tag));
    }

    public void untag(String tag) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.UNTAG, "untag " + tag, 0, tag));
    }

    /** The lead's fit grade (A–D), kept as the tag {@code grade:<letter>} replacing any previous grade. */
    public void grade(String letter) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.TAG, "grade " + letter, 0, GRADE + letter));
    }

    public void setTier(String tier) {
        changes.add(new ScoreChange(firingRule, ScoreChange.Kind.TIER, "tier " + tier, 0, tier));
    }

    /** Sum of behaviour and fit points this card adds. */
    public int points() {
        return points;
    }

    /** Sum of the fit points on this card: the lead's whole fit, as the fit rules see it now. */
    public int fitPoints() {
        return fitPoints;
    }

    public List<ScoreChange> changes() {
        return Collections.unmodifiableList(changes);
    }
}
