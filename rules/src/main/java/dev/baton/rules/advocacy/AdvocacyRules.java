package dev.baton.rules.advocacy;

import dev.baton.rules.RuleFiles;
import dev.baton.rules.RuleSetCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;

/**
 * The advocacy point rules (DRL over {@link AdvocacyActivity}, awarding {@link AdvocacyPoints}),
 * compiled once per version. Points reward behaviour (sharing, honest reach, engagement brought),
 * never a sales result of one person.
 */
public final class AdvocacyRules {
    public static final String DEFAULT_FILE = "points.drl";
    private final String version;
    private final KieBase rules;

    private AdvocacyRules(String version, KieBase rules) {
        this.version = version;
        this.rules = rules;
    }

    /** @throws dev.baton.rules.RuleSetCompilationException with file and line when a file does not compile */
    public static AdvocacyRules compile(String version, Map<String, String> files) {
        return new AdvocacyRules(version, new RuleSetCompiler().compileKieBase(files));
    }

    public static AdvocacyRules defaults() {
        return compile("default", defaultFiles());
    }

    public static Map<String, String> defaultFiles() {
        return RuleFiles.bundled("advocacy", DEFAULT_FILE);
    }

    public String version() {
        return version;
    }

    /** Points for each employee's activity, in the order given. */
    public Map<String, AdvocacyPoints> award(List<AdvocacyActivity> activities) {
        Map<String, AdvocacyPoints> points = new LinkedHashMap<>();
        List<Object> facts = new ArrayList<>();
        for (AdvocacyActivity activity : activities) {
            AdvocacyPoints awarded = new AdvocacyPoints(activity.employee());
            points.put(activity.employee(), awarded);
            facts.add(activity);
            facts.add(awarded);
        }
        KieSession session = rules.newKieSession();
        try {
            facts.forEach(session::insert);
            session.fireAllRules();
        } finally {
            session.dispose();
        }
        return points;
    }
}
