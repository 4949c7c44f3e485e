package dev.baton.engine.scoring;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Rule-set versions and the active-version pointer, in Elasticsearch: durable and shared, so
 * every engine node scores with the same version.
 */
@Component
class RuleSetStore {
    private static final String ACTIVE = "active";
    private final ElasticsearchClient client;
    private final Indices indices;

    RuleSetStore(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    /** The pointer document: which version is active, since when, by whom. */
    record ActivePointer(int version, String activatedBy, Instant activatedAt) {
    }

    /** Stores a new version under the next free number (create-only, so two uploads never share one). */
    RuleSetVersion add(RuleSetVersion draft) {
        indices.ensureInstalled();
        for (int attempt = 0; attempt < 5; attempt++) {
            int next = versions().stream().mapToInt(RuleSetVersion::version).max().orElse(0) + 1;
            RuleSetVersion stored = new RuleSetVersion(next, draft.files(), draft.author(), draft.note(), draft.createdAt(),
                    draft.decayHalfLife(), draft.changes(), draft.tests());
            try {
                client.create(c -> c.index(indices.ruleSets()).id("v" + next).document(stored).refresh(Refresh.True));
                return stored;
            } catch (ElasticsearchException e) {
                if (e.status() != 409) {
                    throw new SearchUnavailableException("storing rule set failed: " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw new SearchUnavailableException("storing rule set failed: " + e.getMessage(), e);
            }
        }
        throw new SearchUnavailableException("could not allocate a rule-set version number", null);
    }

    Optional<RuleSetVersion> version(int version) {
        try {
            indices.ensureInstalled();
            var response = client.get(g -> g.index(indices.ruleSets()).id("v" + version), RuleSetVersion.class);
            return Optional.ofNullable(response.found() ? response.source() : null);
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("reading rule set " + version + " failed: " + e.getMessage(), e);
        }
    }

    /** Every stored version, oldest first (the pointer document has no {@code createdAt}, so it is not one). */
    List<RuleSetVersion> versions() {
        try {
            indices.ensureInstalled();
            return client.search(s -> s.index(indices.ruleSets()).query(q -> q.exists(e -> e.field("createdAt")))
                            .sort(o -> o.field(f -> f.field("version").order(SortOrder.Asc))).size(10_000), RuleSetVersion.class)
                    .hits().hits().stream().map(Hit::source).filter(Objects::nonNull).toList();
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("listing rule sets failed: " + e.getMessage(), e);
        }
    }

    Optional<ActivePointer> active() throws IOException {
        indices.ensureInstalled();
        var response = client.get(g -> g.index(indices.ruleSets()).id(ACTIVE), ActivePointer.class);
        return Optional.ofNullable(response.found() ? response.source() : null);
    }

    void activate(ActivePointer pointer) {
        try {
            client.index(i -> i.index(indices.ruleSets()).id(ACTIVE).document(pointer).refresh(Refresh.True));
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("activating rule set failed: " + e.getMessage(), e);
        }
    }
}
