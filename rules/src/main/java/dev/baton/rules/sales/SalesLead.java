package dev.baton.rules.sales;

import java.util.Map;
import java.util.Set;

/**
 * The hot lead being assigned, as assignment rules see it.
 *
 * @param sharerTeam the team of the employee whose share brought the lead, or null
 * @param grade      A to D (fit), or null
 */
public record SalesLead(String id, String tier, long score, String grade, String country, String industry,
                        String language, String sharerTeam, Set<String> tags, Map<String, Object> traits) {
    public SalesLead {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        traits = traits == null ? Map.of() : traits;
    }

    /** A trait's text ("" when absent), e.g. {@code trait("company.size")}. */
    public String trait(String name) {
        Object value = traits.get(name);
        return value == null ? "" : value.toString();
    }
}
