package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Every value of a keyword field among the documents a query matches (every lead, every visitor),
 * a page at a time through a composite aggregation, each with aggregations of its own documents:
 * exact at any size, where a terms aggregation or a capped search would stop at a limit.
 */
public final class CompositePages {
    private static final String MEMBERS = "members";
    private static final String MEMBER = "member";

    private CompositePages() {
    }

    /** Receives each page of members, in the field's order. */
    public interface Page {
        void accept(List<CompositeBucket> members) throws IOException;
    }

    /**
     * Calls {@code pages} with each page of up to {@code size} values of {@code field} in the
     * documents of {@code indices} matching {@code scope}; each bucket carries {@code perMember}.
     */
    public static void forEach(ElasticsearchClient client, List<String> indices, Query scope, String field, int size,
                               Map<String, Aggregation> perMember, Page pages) throws IOException {
        Map<String, FieldValue> after = null;
        do {
            Map<String, FieldValue> from = after;
            var response = client.search(s -> s.index(indices).ignoreUnavailable(true).allowNoIndices(true).size(0).query(scope)
                    .aggregations(MEMBERS, a -> a.composite(c -> {
                        c.size(size).sources(List.of(Map.of(MEMBER, CompositeAggregationSource.of(x -> x.terms(t -> t.field(field))))));
                        if (from != null) {
                            c.after(from);
                        }
                        return c;
                    }).aggregations(perMember)), Void.class);
            Aggregate members = response.aggregations() == null ? null : response.aggregations().get(MEMBERS);
            if (members == null) {
                return;
            }
            CompositeAggregate page = members.composite();
            List<CompositeBucket> buckets = page.buckets().array();
            if (!buckets.isEmpty()) {
                pages.accept(buckets);
            }
            after = buckets.size() < size ? null : page.afterKey();
        } while (after != null && !after.isEmpty());
    }

    /** The field's value a bucket of {@link #forEach} stands for. */
    public static String member(CompositeBucket bucket) {
        return bucket.key().get(MEMBER).stringValue();
    }
}
