package dev.baton.engine.segments;

import dev.baton.engine.leads.Brought;
import dev.baton.engine.leads.Counted;
import dev.baton.engine.leads.FlattenedValues;
import dev.baton.engine.leads.JourneyState;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.TrackedBehaviour;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A segment condition judged on one lead in memory, with exactly the meaning its Elasticsearch
 * query has on the leads index ({@link SegmentConditions} builds both from one definition): the
 * pipeline decides a changed lead's membership with it, the index counts and lists members.
 */
@FunctionalInterface
interface Condition {
    boolean matches(LeadProfile lead, Instant now);

    static Condition all(List<Condition> all) {
        return (lead, now) -> all.stream().allMatch(c -> c.matches(lead, now));
    }

    static Condition any(List<Condition> any) {
        return (lead, now) -> any.stream().anyMatch(c -> c.matches(lead, now));
    }

    static Condition not(Condition condition) {
        return (lead, now) -> !condition.matches(lead, now);
    }

    static Condition tierIn(Set<String> tiers) {
        return (lead, now) -> lead.tier() != null && tiers.contains(lead.tier());
    }

    static Condition score(Map<String, Double> bounds) {
        return (lead, now) -> within(lead.score(), bounds);
    }

    static Condition tagIn(Set<String> tags) {
        return (lead, now) -> lead.tags().stream().anyMatch(tags::contains);
    }

    static Condition traitIn(String name, Set<String> values) {
        return (lead, now) -> traitValues(lead, name).stream().anyMatch(values::contains);
    }

    static Condition traitExists(String name) {
        return (lead, now) -> !traitValues(lead, name).isEmpty();
    }

    static Condition traitPrefix(String name, String prefix) {
        return (lead, now) -> traitValues(lead, name).stream().anyMatch(v -> v.startsWith(prefix));
    }

    /** Text order, as the flattened field compares (ISO dates compare correctly). */
    static Condition traitTextRange(String name, Map<String, String> bounds) {
        return (lead, now) -> traitValues(lead, name).stream().anyMatch(v -> bounds.entrySet().stream().allMatch(b -> {
            int order = FlattenedValues.compare(v, b.getValue());
            return switch (b.getKey()) {
                case "gte" -> order >= 0;
                case "gt" -> order > 0;
                case "lte" -> order <= 0;
                default -> order < 0;
            };
        }));
    }

    /** Numbers as numbers: only a top-level trait that is a number matches. */
    static Condition traitNumberRange(String name, Map<String, Double> bounds) {
        return (lead, now) -> lead.traits().get(name) instanceof Number number && within(number.doubleValue(), bounds);
    }

    /** At least N occurrences ever (withinDays null) or in the last D days. */
    static Condition did(TrackedBehaviour behaviour, Integer withinDays) {
        return (lead, now) -> {
            Counted counted = lead.behaviour().get(behaviour.key());
            if (counted == null || counted.at() == null) {
                return false;
            }
            return withinDays == null || !counted.at().isBefore(now.minus(Duration.ofDays(withinDays)));
        };
    }

    static Condition unsubscribed(String channel) {
        return (lead, now) -> lead.unsubscribed().contains(channel);
    }

    /** The first share that brought the lead was by one of these employees, teams or campaigns. */
    static Condition brought(String by, Set<String> values) {
        return (lead, now) -> {
            Brought brought = lead.brought();
            if (brought == null) {
                return false;
            }
            String value = switch (by) {
                case "employee" -> brought.employee();
                case "team" -> brought.team();
                default -> brought.campaign();
            };
            return value != null && values.contains(value);
        };
    }

    /** In the journey now; at that waiting step when {@code step} is given. */
    static Condition journeyAt(String journey, String step) {
        return (lead, now) -> {
            JourneyState state = lead.journeys().get(journey);
            return state != null && JourneyState.ACTIVE.equals(state.state()) && (step == null || step.equals(state.step()));
        };
    }

    /** The journey's last entry ended; at that end event when {@code end} is given. */
    static Condition journeyFinished(String journey, String end) {
        return (lead, now) -> {
            JourneyState state = lead.journeys().get(journey);
            return state != null && JourneyState.FINISHED.equals(state.state()) && (end == null || end.equals(state.end()));
        };
    }

    static Condition journeyEntered(String journey) {
        return (lead, now) -> lead.journeys().containsKey(journey);
    }

    static Condition seenWithin(int days) {
        return (lead, now) -> lead.lastSeen() != null && !lead.lastSeen().isBefore(now.minus(Duration.ofDays(days)));
    }

    private static boolean within(double value, Map<String, Double> bounds) {
        return bounds.entrySet().stream().allMatch(b -> switch (b.getKey()) {
            case "gte" -> value >= b.getValue();
            case "gt" -> value > b.getValue();
            case "lte" -> value <= b.getValue();
            default -> value < b.getValue();
        });
    }

    /** A trait's values as the flattened field indexes them. */
    static List<String> traitValues(LeadProfile lead, String name) {
        return FlattenedValues.of(lead.traits(), name);
    }
}
