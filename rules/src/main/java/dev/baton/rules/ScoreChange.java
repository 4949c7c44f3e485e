package dev.baton.rules;

/**
 * One change a rule made to a lead, with the rule that made it and the reason it gave, so a
 * score can always be explained ("+20 pricing page").
 *
 * @param rule   the DRL rule name
 * @param kind   what changed
 * @param reason the reason the rule gave (shown to users)
 * @param points points added (negative to remove); 0 for tag and tier changes
 * @param value  the tag or tier for tag and tier changes, else null
 */
public record ScoreChange(String rule, Kind kind, String reason, int points, String value) {

    /** What a change does. */
    public enum Kind { POINTS, FIT, TAG, UNTAG, TIER }
}
