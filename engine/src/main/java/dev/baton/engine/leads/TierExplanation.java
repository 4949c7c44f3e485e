package dev.baton.engine.leads;

import dev.baton.rules.CompiledRuleSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * "Why this tier", in one paragraph a marketer reads: the score and the band it falls in, the
 * behaviour and fit parts with their reasons and what they are worth now, and when decay alone
 * would move the lead.
 */
final class TierExplanation {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int MAX_PARTS = 5;

    private TierExplanation() {
    }

    /** @param lead the lead as it stands now (points aged to now) */
    static String of(LeadProfile lead, CompiledRuleSet rules) {
        if (lead.tier() == null) {
            return "No tier yet: no event has been scored for this lead.";
        }
        StringBuilder why = new StringBuilder();
        why.append(lead.tier()).append(" because its score is ").append(lead.score());
        int floor = lowestScoreOfBand(rules, lead.score());
        if (rules.band(lead.score()).equals(lead.tier())) {
            why.append(" (").append(lead.tier()).append(floor > 0 ? " from " + floor + " points" : " below the next tier")
                    .append(" under rule set ").append(rules.version()).append(')');
        }
        why.append('.');
        Points points = lead.points();
        List<ScorePart> behaviour = lead.scoreParts().stream().filter(ScorePart::decays)
                .sorted(Comparator.comparingDouble(ScorePart::value).reversed()).toList();
        if (!behaviour.isEmpty()) {
            why.append(" Behaviour ").append(round(points.behaviour())).append(": ").append(parts(behaviour, true)).append('.');
        }
        List<ScorePart> fit = lead.scoreParts().stream().filter(part -> !part.decays()).toList();
        if (!fit.isEmpty()) {
            why.append(" Fit ").append(round(points.fit())).append(": ").append(parts(fit, false)).append('.');
        }
        Duration halfLife = rules.decay().halfLife();
        if (halfLife != null && points.behaviour() > 0) {
            why.append(" Behaviour points halve every ").append(halfLife.toDays()).append(" days");
            Instant next = points.asOf() == null ? null
                    : rules.nextTierChange(points.behaviour(), points.fit(), points.asOf()).orElse(null);
            why.append(next == null ? "." : "; left alone, this lead leaves " + lead.tier() + " on " + DAY.format(next) + ".");
        }
        if (!lead.tags().isEmpty()) {
            why.append(" Tags: ").append(String.join(", ", lead.tags())).append('.');
        }
        return why.toString();
    }

    private static String parts(List<ScorePart> parts, boolean aged) {
        String shown = parts.stream().limit(MAX_PARTS).map(part -> {
            String line = part.reason() + " " + signed(part.points());
            if (part.times() > 1) {
                line += " (" + part.times() + " times)";
            }
            if (aged && Math.abs(part.value() - part.points()) >= 0.05) {
                line += " now worth " + round(part.value());
            }
            return line;
        }).collect(Collectors.joining(", "));
        return parts.size() > MAX_PARTS ? shown + " and " + (parts.size() - MAX_PARTS) + " more" : shown;
    }

    /** The lowest score the tier rules put in the same band as {@code score}. */
    private static int lowestScoreOfBand(CompiledRuleSet rules, int score) {
        String band = rules.band(score);
        int lowest = score;
        while (lowest > 0 && rules.band(lowest - 1).equals(band)) {
            lowest--;
        }
        return lowest;
    }

    private static String signed(int points) {
        return points >= 0 ? "+" + points : Integer.toString(points);
    }

    /** One decimal, and none when it is 0 ("15", not "15.0"). */
    private static String round(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
