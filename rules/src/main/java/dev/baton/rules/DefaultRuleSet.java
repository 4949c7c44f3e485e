package dev.baton.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rule set Baton ships with: the DRL files under {@code dev/baton/rules/default/}. */
public final class DefaultRuleSet {
    /**
     * Every file of the default rule set, in load order; a test checks none is missing. The
     * behaviour points are a decision table (points.csv); tags, fit and tiers are DRL.
     */
    public static final List<String> FILES = List.of("points.csv", "tags.drl", "fit.drl", "tiers.drl");
    public static final String VERSION = "default";
    /** Behaviour points halve every 30 days: a lead who stops engaging cools from hot to warm in weeks. */
    public static final ScoreDecay DECAY = new ScoreDecay(java.time.Duration.ofDays(30));
    private static final String FOLDER = "dev/baton/rules/default/";

    private DefaultRuleSet() {
    }

    /** File name → DRL source, read from the classpath. */
    public static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = DefaultRuleSet.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException("default rule file missing from the classpath: " + FOLDER + name);
                }
                files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    public static CompiledRuleSet compile() {
        return new RuleSetCompiler().compile(VERSION, files(), DECAY);
    }
}
