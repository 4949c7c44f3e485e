package dev.baton.rules.sales;

import dev.baton.rules.RuleFiles;
import dev.baton.rules.RuleSetCompiler;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;

/**
 * The {@code rules} step of an assignment chain: DRL over {@link SalesLead} and each
 * {@link Candidate}, for what territory, industry, language, team and load do not say (keep a
 * rep's last slot for hot leads, big accounts to reps with room). Compiled once per version.
 */
public final class AssignmentRules {
    public static final String DEFAULT_FILE = "assignment.drl";
    private final String version;
    private final KieBase rules;

    private AssignmentRules(String version, KieBase rules) {
        this.version = version;
        this.rules = rules;
    }

    /** @throws dev.baton.rules.RuleSetCompilationException with file and line when a file does not compile */
    public static AssignmentRules compile(String version, Map<String, String> files) {
        return new AssignmentRules(version, new RuleSetCompiler().compileKieBase(files));
    }

    public static Map<String, String> defaultFiles() {
        return RuleFiles.bundled("sales", DEFAULT_FILE);
    }

    public String version() {
        return version;
    }

    /**
     * Runs the rules; returns the candidates not excluded that the rules prefer most (all of them
     * when no rule preferred anyone), in the order given.
     */
    public List<Candidate> choose(SalesLead lead, List<Candidate> candidates) {
        KieSession session = rules.newKieSession();
        try {
            session.insert(lead);
            candidates.forEach(session::insert);
            session.fireAllRules();
        } finally {
            session.dispose();
        }
        List<Candidate> left = candidates.stream().filter(c -> !c.isExcluded()).toList();
        int best = left.stream().map(Candidate::getPreference).max(Comparator.naturalOrder()).orElse(0);
        return left.stream().filter(c -> c.getPreference() == best).toList();
    }
}
