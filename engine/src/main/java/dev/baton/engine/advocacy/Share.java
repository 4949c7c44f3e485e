package dev.baton.engine.advocacy;

import java.time.Instant;
import java.util.List;

/**
 * One share link: who shared which content of which campaign, and the chain above it (the root
 * employee first). Never changed once made.
 *
 * @param sharerKind   employee, or visitor for a re-share by someone the chain brought
 * @param depth        1 for an employee's own link, 2 for a re-share of it, ...
 * @param chain        share codes from the root to this one
 * @param chainSharers who made each share of the chain, in the same order
 */
record Share(String code, String campaign, String content, String sharer, String sharerKind, String sharerName,
                    String rootEmployee, String rootTeam, String parent, int depth, List<String> chain,
                    List<String> chainSharers, String channel, Instant createdAt) {
}
