package dev.baton.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

/**
 * Compiles a rule set (DRL files by name) into a {@link CompiledRuleSet}, or reports every
 * error with its file, line and column. Compilation is the expensive step: the engine does it
 * once per rule-set version, never per event.
 */
public final class RuleSetCompiler {
    private static final String RESOURCES = "src/main/resources/";
    private static final String FOLDER = "dev/baton/rules/";
    private static final AtomicLong BUILDS = new AtomicLong();

    /**
     * @param version a label carried by the result (e.g. "default" or a stored version number)
     * @param files   file name → DRL source, in the order given
     * @throws RuleSetCompilationException when any file has an error
     */
    public CompiledRuleSet compile(String version, Map<String, String> files) {
        return compile(version, files, ScoreDecay.NONE);
    }

    /**
     * @param decay how the rule set's behaviour points lose value with age
     * @throws RuleSetCompilationException when any file has an error
     */
    public CompiledRuleSet compile(String version, Map<String, String> files, ScoreDecay decay) {
        return new CompiledRuleSet(version, compileKieBase(files), decay);
    }

    /**
     * Compiles DRL files and decision tables into a KieBase (for rule sets over other facts, such
     * as advocacy points).
     *
     * @throws RuleSetCompilationException when any file has an error
     */
    public KieBase compileKieBase(Map<String, String> files) {
        if (files.isEmpty()) {
            throw new RuleSetCompilationException(List.of(new RuleError("(rule set)", 0, 0, "a rule set needs at least one file")));
        }
        KieServices kieServices = KieServices.Factory.get();
        KieFileSystem fileSystem = kieServices.newKieFileSystem();
        // A unique release id per build: the KieRepository is process-wide and keyed by it.
        ReleaseId releaseId = kieServices.newReleaseId("dev.baton.rulesets", "ruleset", "1.0." + BUILDS.incrementAndGet());
        fileSystem.generateAndWritePomXML(releaseId);
        // Each file goes to the folder of its package (Drools warns about every file otherwise);
        // errors name the file as uploaded. A decision table (.csv) is turned into DRL first.
        List<RuleError> errors = new ArrayList<>();
        Map<String, String> drl = new java.util.LinkedHashMap<>();
        files.forEach((name, source) -> {
            if (DecisionTables.isDecisionTable(name)) {
                try {
                    drl.put(name, DecisionTables.toDrl(source));
                } catch (RuntimeException e) {
                    errors.add(new RuleError(name, 0, 0, "not a valid decision table: " + e.getMessage()));
                }
            } else {
                drl.put(name, source);
            }
        });
        if (!errors.isEmpty()) {
            throw new RuleSetCompilationException(errors);
        }
        drl.forEach((name, source) -> fileSystem.write(RESOURCES + packageFolder(source) + drlName(name), source));

        KieBuilder builder = kieServices.newKieBuilder(fileSystem).buildAll();
        List<Message> messages = builder.getResults().getMessages(Message.Level.ERROR);
        for (Message message : messages) {
            if (messages.size() > 1 && message.getText().contains("Parser returned a null Package")) {
                continue; // a follow-up of the syntax error already reported for that file
            }
            String file = uploadedName(message.getPath(), files.keySet());
            int line = Math.max(message.getLine(), 0);
            if (DecisionTables.isDecisionTable(file) && drl.containsKey(file)) {
                // The table's row, not the line of the DRL generated from it.
                errors.add(new RuleError(file, DecisionTables.rowOf(drl.get(file), line), 0, message.getText().strip()));
            } else {
                errors.add(new RuleError(file, line, column(message), message.getText().strip()));
            }
        }
        if (!errors.isEmpty()) {
            kieServices.getRepository().removeKieModule(releaseId);
            throw new RuleSetCompilationException(errors);
        }
        KieBase kieBase = kieServices.newKieContainer(releaseId).getKieBase();
        // The KieBase keeps what it needs; the repository entry would only accumulate per version.
        kieServices.getRepository().removeKieModule(releaseId);
        return kieBase;
    }

    private static final java.util.regex.Pattern PACKAGE =
            java.util.regex.Pattern.compile("^\\s*package\\s+([A-Za-z_][\\w.]*)\\s*;?", java.util.regex.Pattern.MULTILINE);

    /** {@code dev/baton/rules/ops/} for a file declaring {@code package dev.baton.rules.ops;}; the default folder otherwise. */
    private static String packageFolder(String source) {
        var matcher = PACKAGE.matcher(source);
        return matcher.find() ? matcher.group(1).replace('.', '/') + "/" : FOLDER;
    }

    private static final java.util.regex.Pattern LINE_COLUMN = java.util.regex.Pattern.compile("Line (\\d+):(\\d+)");

    /** The message's column, or the one its text names ("Line 7:41 …") when the parser left it out. */
    private static int column(Message message) {
        if (message.getColumn() > 0) {
            return message.getColumn();
        }
        var matcher = LINE_COLUMN.matcher(message.getText());
        return matcher.find() && Integer.parseInt(matcher.group(1)) == message.getLine() ? Integer.parseInt(matcher.group(2)) : 0;
    }

    /** The name a file is compiled under: a decision table becomes {@code points.csv.drl}. */
    private static String drlName(String name) {
        return DecisionTables.isDecisionTable(name) ? name + ".drl" : name;
    }

    /** The uploaded file a message's path (relative to some root Drools chose) is about. */
    private static String uploadedName(String path, java.util.Set<String> names) {
        if (path == null) {
            return "(rule set)";
        }
        return names.stream().filter(name -> path.equals(drlName(name)) || path.endsWith("/" + drlName(name)))
                .findFirst().orElse(path);
    }
}
