package dev.baton.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What changed from one rule set to another, in words ops read in a version list: files added,
 * removed or changed, and rules (by name) added, removed or changed.
 */
public final class RuleSetDiff {
    private static final Pattern RULE = Pattern.compile("(?ms)^\\s*rule\\s+(\"[^\"]+\"|'[^']+'|\\S+)(.*?)^\\s*end\\b");

    private RuleSetDiff() {
    }

    /** Lines such as {@code + rule "Webinar attended"}, {@code ~ file behaviour.drl}; empty when nothing changed. */
    public static List<String> between(Map<String, String> before, Map<String, String> after) {
        List<String> changes = new ArrayList<>();
        after.keySet().stream().filter(f -> !before.containsKey(f)).sorted().forEach(f -> changes.add("+ file " + f));
        before.keySet().stream().filter(f -> !after.containsKey(f)).sorted().forEach(f -> changes.add("- file " + f));
        after.keySet().stream().filter(f -> before.containsKey(f) && !before.get(f).equals(after.get(f))).sorted()
                .forEach(f -> changes.add("~ file " + f));
        Map<String, String> rulesBefore = rules(before);
        Map<String, String> rulesAfter = rules(after);
        rulesAfter.keySet().stream().filter(r -> !rulesBefore.containsKey(r)).forEach(r -> changes.add("+ rule " + r));
        rulesBefore.keySet().stream().filter(r -> !rulesAfter.containsKey(r)).forEach(r -> changes.add("- rule " + r));
        rulesAfter.keySet().stream().filter(r -> rulesBefore.containsKey(r) && !rulesBefore.get(r).equals(rulesAfter.get(r)))
                .forEach(r -> changes.add("~ rule " + r));
        return changes;
    }

    /** Rule name → its body with whitespace normalised, over all files. */
    private static Map<String, String> rules(Map<String, String> files) {
        Map<String, String> rules = new LinkedHashMap<>();
        files.values().forEach(source -> {
            Matcher matcher = RULE.matcher(source);
            while (matcher.find()) {
                rules.put(matcher.group(1), matcher.group(2).replaceAll("\\s+", " ").strip());
            }
        });
        return rules;
    }
}
