package dev.baton.engine.sales;

import java.util.Map;
import java.util.Set;

/**
 * What assignment knows of a hot lead.
 *
 * @param sharerTeam the team of the employee whose share brought the lead, or null
 * @param grade      A to D (fit), or null
 */
record Lead(String id, String country, String industry, String language, String sharerTeam, String tier,
                   long score, String grade, Set<String> tags, Map<String, Object> traits) {

    public Lead(String id, String country, String industry, String language, String sharerTeam) {
        this(id, country, industry, language, sharerTeam, "hot", 0, null, Set.of(), Map.of());
    }
}
