package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.rules.advocacy.AdvocacyRules;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The advocacy point rules in use, versioned in Elasticsearch like the scoring rules: ops upload
 * a new version (compiled first; errors with file and line, nothing stored), it becomes active on
 * every node within seconds, and an earlier version can be activated again. Version 0 is the
 * default in {@code rules/}. Compiled once per version, never per request.
 */
@Component
class AdvocacyRuleSets {
    private static final Logger log = LoggerFactory.getLogger(AdvocacyRuleSets.class);
    private static final long CHECK_EVERY_MILLIS = 2_000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final Clock clock;
    private volatile AdvocacyRules active = AdvocacyRules.defaults();
    private volatile long checkedAt;

    AdvocacyRuleSets(ElasticsearchClient client, Indices indices, Clock clock) {
        this.client = client;
        this.indices = indices;
        this.clock = clock;
    }

    record Version(int version, Map<String, String> files, Instant createdAt, String createdBy) {
    }

    record Active(int version) {
    }

    /** The active rules, following the pointer another node may have moved. */
    AdvocacyRules active() {
        long now = System.currentTimeMillis();
        if (now - checkedAt > CHECK_EVERY_MILLIS) {
            checkedAt = now;
            int wanted = activeVersion();
            if (!String.valueOf(wanted).equals(active.version()) && !(wanted == 0 && "default".equals(active.version()))) {
                active = wanted == 0 ? AdvocacyRules.defaults() : AdvocacyRules.compile(String.valueOf(wanted), version(wanted).files());
                log.info("Advocacy points now from rule version {}", wanted);
            }
        }
        return active;
    }

    int activeVersion() {
        try {
            indices.ensureInstalled();
            var pointer = client.get(g -> g.index(indices.advocacyRules()).id("active"), Active.class);
            return pointer.found() && pointer.source() != null ? pointer.source().version() : 0;
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("reading the active advocacy rules failed: " + e.getMessage(), e);
        }
    }

    Version version(int version) {
        if (version == 0) {
            return new Version(0, AdvocacyRules.defaultFiles(), null, "Baton");
        }
        try {
            var found = client.get(g -> g.index(indices.advocacyRules()).id("v" + version), Version.class);
            if (!found.found()) {
                throw new AdvocacyNotFoundException("no advocacy rules version " + version);
            }
            return found.source();
        } catch (IOException e) {
            throw new SearchUnavailableException("reading advocacy rules failed: " + e.getMessage(), e);
        }
    }

    /** Compiles, stores as the next version and activates; a file that does not compile changes nothing. */
    Version upload(Map<String, String> files, String user) {
        AdvocacyRules compiled = AdvocacyRules.compile("draft", files);
        try {
            indices.ensureInstalled();
            int next = (int) client.count(c -> c.index(indices.advocacyRules()).query(q -> q.exists(e -> e.field("version"))))
                    .count() + 1;
            Version version = new Version(next, Map.copyOf(files), clock.instant(), user);
            client.create(c -> c.index(indices.advocacyRules()).id("v" + next).document(version).refresh(Refresh.WaitFor));
            activate(next);
            active = AdvocacyRules.compile(String.valueOf(next), files);
            checkedAt = System.currentTimeMillis();
            log.info("Advocacy rules version {} uploaded by {} ({} file(s)) and activated", next, user, files.size());
            return version;
        } catch (IOException e) {
            throw new SearchUnavailableException("storing advocacy rules failed: " + e.getMessage(), e);
        }
    }

    void activate(int version) {
        version(version); // exists
        try {
            client.index(i -> i.index(indices.advocacyRules()).id("active").document(new Active(version)).refresh(Refresh.WaitFor));
            checkedAt = 0;
        } catch (IOException e) {
            throw new SearchUnavailableException("activating advocacy rules failed: " + e.getMessage(), e);
        }
    }
}
