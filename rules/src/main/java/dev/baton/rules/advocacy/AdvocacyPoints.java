package dev.baton.rules.advocacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One employee's advocacy points, each addition with the rule and reason that gave it. */
public final class AdvocacyPoints {
    private final String employee;
    private final List<Award> awards = new ArrayList<>();

    public AdvocacyPoints(String employee) {
        this.employee = employee;
    }

    public record Award(String rule, long points, String reason) {
    }

    public String getEmployee() {
        return employee;
    }

    /** Called by rules: {@code points.add(drools.getRule().getName(), 5 * $a.shares(), "...")}. */
    public void add(String rule, long points, String reason) {
        if (points != 0) {
            awards.add(new Award(rule, points, reason));
        }
    }

    public long total() {
        return awards.stream().mapToLong(Award::points).sum();
    }

    public List<Award> awards() {
        return List.copyOf(awards);
    }

    /** Points by reason, for display. */
    public Map<String, Long> byReason() {
        Map<String, Long> reasons = new LinkedHashMap<>();
        awards.forEach(a -> reasons.merge(a.reason(), a.points(), Long::sum));
        return reasons;
    }
}
