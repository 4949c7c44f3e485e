package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Every document a query matches, a page at a time, in a consistent view (a point in time) sorted
 * by one field: exact however many there are, where a capped search stops at a size.
 */
public final class DocumentScan {
    private static final Time KEEP_ALIVE = Time.of(t -> t.time("1m"));

    private DocumentScan() {
    }

    /** Receives each page of documents (their sources). */
    public interface Page {
        void accept(List<ObjectNode> documents) throws IOException;
    }

    /**
     * Calls {@code pages} with each page of up to {@code size} documents of {@code index} (an index,
     * alias or pattern; none existing is no document) matching {@code query}, in {@code sortField}'s order.
     */
    public static void forEach(ElasticsearchClient client, String index, Query query, String sortField, int size, Page pages)
            throws IOException {
        if (!client.indices().exists(e -> e.index(index).allowNoIndices(false).ignoreUnavailable(true)).value()) {
            return;
        }
        String pit = client.openPointInTime(p -> p.index(index).keepAlive(KEEP_ALIVE).ignoreUnavailable(true)).id();
        try {
            List<FieldValue> after = null;
            while (true) {
                List<FieldValue> from = after;
                var response = client.search(s -> {
                    s.pit(p -> p.id(pit).keepAlive(KEEP_ALIVE)).size(size).query(query)
                            .sort(o -> o.field(f -> f.field(sortField).order(SortOrder.Asc).unmappedType(
                                    co.elastic.clients.elasticsearch._types.mapping.FieldType.Date)))
                            .sort(o -> o.field(f -> f.field("_shard_doc").order(SortOrder.Asc)));
                    if (from != null) {
                        s.searchAfter(from);
                    }
                    return s;
                }, ObjectNode.class);
                List<Hit<ObjectNode>> hits = response.hits().hits();
                if (hits.isEmpty()) {
                    return;
                }
                pages.accept(hits.stream().map(Hit::source).filter(java.util.Objects::nonNull).toList());
                after = hits.get(hits.size() - 1).sort();
                if (hits.size() < size) {
                    return;
                }
            }
        } finally {
            client.closePointInTime(c -> c.id(pit));
        }
    }
}
