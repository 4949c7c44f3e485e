package dev.baton.engine.scoring;

import dev.baton.rules.CompiledRuleSet;
import dev.baton.rules.DefaultRuleSet;
import dev.baton.rules.RuleSetCompiler;
import dev.baton.rules.RuleSetDiff;
import dev.baton.rules.RuleSetTestCase;
import java.util.List;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Scores events with the active rule set. Rule sets are compiled once per version (cached),
 * never per event; the whole compiled set is swapped atomically, so an event is scored entirely
 * by one version. The active version is a pointer in Elasticsearch: the node that activates
 * swaps at once, the others follow within {@code baton.scoring.sync-interval}.
 */
@Service
public class ScoringService {
    /** Version 0 is the default rule set shipped in the rules module. */
    public static final int DEFAULT_VERSION = 0;
    private static final Logger log = LoggerFactory.getLogger(ScoringService.class);

    private final RuleSetStore store;
    private final Clock clock;
    private final RuleSetCompiler compiler = new RuleSetCompiler();
    private final Map<Integer, CompiledRuleSet> compiled = new ConcurrentHashMap<>();
    private final AtomicReference<Active> active = new AtomicReference<>();
    /** Guarded by this: the last poll failed (so the next failure is not logged again). */
    private boolean pointerUnreadable;

    private record Active(int version, CompiledRuleSet rules) {
    }

    public ScoringService(RuleSetStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        long started = System.nanoTime();
        CompiledRuleSet defaults = DefaultRuleSet.compile();
        compiled.put(DEFAULT_VERSION, defaults);
        active.set(new Active(DEFAULT_VERSION, defaults));
        log.info("Scoring with rule set '{}' ({} rules, compiled in {} ms) until the stored active version is read",
                defaults.version(), defaults.ruleCount(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The active rule set, compiled. Callers take it once per event and use it for everything
     * about that event (points, tier, decay), so one event is never scored by two versions.
     */
    public CompiledRuleSet current() {
        return active.get().rules();
    }

    public int activeVersionNumber() {
        return active.get().version();
    }

    /**
     * Compiles a draft (errors with file, line, column) and stores it as the next version, with
     * what changed from the latest stored version; does not activate it.
     */
    RuleSetVersion upload(Map<String, String> files, String decayHalfLife, List<RuleSetTestCase> tests, String author,
                          String note) {
        CompiledRuleSet rules = compiler.compile("draft", files, RuleSetVersion.decay(decayHalfLife));
        List<RuleSetTestCase.Result> results = runTests(rules, tests);
        if (results.stream().anyMatch(result -> !result.passed())) {
            throw new RuleSetTestsFailedException(results);
        }
        Map<String, String> previous = store.versions().stream().reduce((first, last) -> last)
                .map(RuleSetVersion::files).orElseGet(DefaultRuleSet::files);
        RuleSetVersion stored = store.add(new RuleSetVersion(0, files, author, note, clock.instant(), decayHalfLife,
                RuleSetDiff.between(previous, files), tests));
        log.info("Rule set version {} uploaded by {} ({} rules)", stored.version(), author, rules.ruleCount());
        return stored;
    }

    /** Makes a stored version (or 0, the default) the active one, here at once and on every node soon. */
    public synchronized void activate(int version, String by) {
        CompiledRuleSet rules = compiledVersion(version);
        store.activate(new RuleSetStore.ActivePointer(version, by, clock.instant()));
        active.set(new Active(version, rules));
        log.info("Rule set version {} activated by {}", version, by);
    }

    /**
     * Follows the stored active pointer (another node may have moved it). Synchronized with
     * {@link #activate}: a poll that read the pointer just before this node moved it must not
     * switch back to the old version.
     */
    @Scheduled(fixedDelayString = "${baton.scoring.sync-interval:2s}", initialDelay = 0)
    synchronized void followActiveVersion() {
        try {
            int wanted = store.active().map(RuleSetStore.ActivePointer::version).orElse(DEFAULT_VERSION);
            if (wanted != active.get().version()) {
                active.set(new Active(wanted, compiledVersion(wanted)));
                log.info("Now scoring with rule set version {} (activated elsewhere)", wanted);
            }
            if (pointerUnreadable) {
                pointerUnreadable = false;
                log.info("Active rule-set version readable again ({})", wanted);
            }
        } catch (Exception e) {
            // A background poll: keep scoring with the current version and try again next time;
            // said once per outage, not every poll.
            if (!pointerUnreadable) {
                pointerUnreadable = true;
                log.warn("Could not read the active rule-set version; still scoring with {} and retrying every poll: {}",
                        current().version(), e.getMessage());
            }
        }
    }

    /** Runs a stored version's own test cases (version 0, the default, has none stored: its tests are in rules/). */
    List<RuleSetTestCase.Result> test(int version) {
        if (version == DEFAULT_VERSION) {
            return List.of();
        }
        RuleSetVersion stored = store.version(version).orElseThrow(() -> new RuleSetNotFoundException(version));
        return runTests(compiledVersion(version), stored.tests());
    }

    private static List<RuleSetTestCase.Result> runTests(CompiledRuleSet rules, List<RuleSetTestCase> tests) {
        return tests == null ? List.of() : tests.stream().map(test -> test.run(rules)).toList();
    }

    /** A version compiled (cached: each version compiles once per node). */
    public CompiledRuleSet compiledVersion(int version) {
        return compiled.computeIfAbsent(version, v -> {
            RuleSetVersion stored = store.version(v).orElseThrow(() -> new RuleSetNotFoundException(v));
            return compiler.compile(String.valueOf(v), stored.files(), stored.decay());
        });
    }
}
