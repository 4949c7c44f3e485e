package dev.baton.engine.forms;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** Form definitions, kept in Elasticsearch so every engine node serves the same forms. */
@Component
class FormStore {
    private final ElasticsearchClient client;
    private final Indices indices;

    FormStore(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    FormDefinition get(String id) {
        try {
            indices.ensureInstalled();
            var response = client.get(g -> g.index(indices.forms()).id(id), FormDefinition.class);
            if (!response.found() || response.source() == null) {
                throw new FormNotFoundException(id);
            }
            return response.source();
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("reading form " + id + " failed: " + e.getMessage(), e);
        }
    }

    void put(FormDefinition form) {
        try {
            indices.ensureInstalled();
            // Defined by a person, rarely: the small index is refreshed now rather than waited on (up to a second).
            client.index(i -> i.index(indices.forms()).id(form.id()).document(form).refresh(Refresh.True));
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("saving form " + form.id() + " failed: " + e.getMessage(), e);
        }
    }

    List<FormDefinition> list() {
        try {
            indices.ensureInstalled();
            return client.search(s -> s.index(indices.forms()).size(1000), FormDefinition.class).hits().hits().stream()
                    .map(Hit::source).filter(Objects::nonNull).toList();
        } catch (ElasticsearchException | IOException e) {
            throw new SearchUnavailableException("listing forms failed: " + e.getMessage(), e);
        }
    }
}
