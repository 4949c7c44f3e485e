package dev.baton.rules.advocacy;

/**
 * What one employee did and brought in a period, counted honestly (the sharer's own clicks,
 * repeats, bots and bursts are not in it): the fact advocacy point rules read.
 *
 * @param shares      share links the employee made
 * @param directReach unique visitors who came through the employee's own links
 * @param chainReach  unique visitors who came through re-shares of the employee's links (not directly)
 * @param maxDepth    the deepest re-share level a visitor came through (1 = the employee's own link)
 * @param engaged     visitors brought who engaged (medium or heavy activity)
 * @param forms       visitors brought who submitted a form
 */
public record AdvocacyActivity(String employee, String team, long shares, long directReach, long chainReach,
                               int maxDepth, long engaged, long forms) {
}
