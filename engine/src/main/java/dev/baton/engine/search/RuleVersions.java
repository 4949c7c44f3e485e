package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small rule set (DRL files) that ops change while the engine runs, versioned in an
 * Elasticsearch index like the scoring rules: an upload is compiled first (errors with file and
 * line, nothing stored), stored as the next version and activated; every node follows the active
 * pointer within seconds; an earlier version can be activated again. Version 0 is the default
 * shipped in {@code rules/}. Compiled once per version, never per use.
 *
 * @param <T> the compiled rules
 */
public class RuleVersions<T> {
    private static final Logger log = LoggerFactory.getLogger(RuleVersions.class);
    private static final long CHECK_EVERY_MILLIS = 2_000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final Supplier<String> index;
    private final String label;
    private final BiFunction<String, Map<String, String>, T> compiler;
    private final Map<String, String> defaultFiles;
    private final Clock clock;
    private volatile T active;
    private volatile int activeNumber;
    private volatile long checkedAt;

    public record Version(int version, Map<String, String> files, Instant createdAt, String createdBy) {
    }

    record Active(int version) {
    }

    /**
     * @param index    the index holding the versions (one per kind of rules)
     * @param label    what the rules are, for messages ("advocacy point rules")
     * @param compiler (version, files) → compiled rules; throws RuleSetCompilationException
     */
    public RuleVersions(ElasticsearchClient client, Indices indices, Supplier<String> index, String label,
                        BiFunction<String, Map<String, String>, T> compiler, Map<String, String> defaultFiles, Clock clock) {
        this.client = client;
        this.indices = indices;
        this.index = index;
        this.label = label;
        this.compiler = compiler;
        this.defaultFiles = Map.copyOf(defaultFiles);
        this.clock = clock;
        this.active = compiler.apply("default", defaultFiles);
    }

    /** The active rules, following the pointer another node may have moved. */
    public T active() {
        long now = System.currentTimeMillis();
        if (now - checkedAt > CHECK_EVERY_MILLIS) {
            checkedAt = now;
            int wanted = activeVersion();
            if (wanted != activeNumber) {
                active = compiler.apply(wanted == 0 ? "default" : String.valueOf(wanted), version(wanted).files());
                activeNumber = wanted;
                log.info("{} now from version {}", label, wanted);
            }
        }
        return active;
    }

    public int activeVersion() {
        try {
            indices.ensureInstalled();
            var pointer = client.get(g -> g.index(index.get()).id("active"), Active.class);
            return pointer.found() && pointer.source() != null ? pointer.source().version() : 0;
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("reading the active " + label + " failed: " + e.getMessage(), e);
        }
    }

    public Version version(int version) {
        if (version == 0) {
            return new Version(0, defaultFiles, null, "Baton");
        }
        try {
            var found = client.get(g -> g.index(index.get()).id("v" + version), Version.class);
            if (!found.found()) {
                throw new RuleVersionNotFoundException("no " + label + " version " + version);
            }
            return found.source();
        } catch (IOException e) {
            throw new SearchUnavailableException("reading " + label + " failed: " + e.getMessage(), e);
        }
    }

    /** Compiles, stores as the next version and activates; a file that does not compile changes nothing. */
    public Version upload(Map<String, String> files, String user) {
        T compiled = compiler.apply("draft", files);
        try {
            indices.ensureInstalled();
            int next = (int) client.count(c -> c.index(index.get()).query(q -> q.exists(e -> e.field("version")))).count() + 1;
            Version version = new Version(next, Map.copyOf(files), clock.instant(), user);
            // An upload by a person, rarely: the small index is refreshed now rather than waited on (up to a second).
            client.create(c -> c.index(index.get()).id("v" + next).document(version).refresh(Refresh.True));
            activate(next);
            active = compiled;
            activeNumber = next;
            checkedAt = System.currentTimeMillis();
            log.info("{} version {} uploaded by {} ({} file(s)) and activated", label, next, user, files.size());
            return version;
        } catch (IOException e) {
            throw new SearchUnavailableException("storing " + label + " failed: " + e.getMessage(), e);
        }
    }

    public void activate(int version) {
        version(version); // exists
        try {
            client.index(i -> i.index(index.get()).id("active").document(new Active(version)).refresh(Refresh.True));
            checkedAt = 0;
        } catch (IOException e) {
            throw new SearchUnavailableException("activating " + label + " failed: " + e.getMessage(), e);
        }
    }
}
