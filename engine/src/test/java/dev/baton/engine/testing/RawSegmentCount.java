package dev.baton.engine.testing;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The segment "pricing page at least twice in the last 30 days, tag interest:guide, city
 * Shanghai" counted the way a product without per-lead counters must: group the events of the
 * window by lead (every bucket, page by page), keep the leads with enough, then ask the leads
 * index which of those have the tag and the city. The baseline the segment benchmark compares
 * with, and the independent answer the segment test checks Baton's count against.
 */
public final class RawSegmentCount {
    public static final String CONDITIONS = """
            {"all":[{"event":"Page Viewed","where":{"category":"pricing"},"atLeast":2,"withinDays":30},
                    {"tag":{"has":"interest:guide"}},{"trait":"city","eq":"Shanghai"}]}""";

    private RawSegmentCount() {
    }

    /** The ids of the leads (among those whose id starts with {@code idPrefix}) in the segment at {@code now}. */
    public static Set<String> members(ElasticsearchClient client, String prefix, String idPrefix, Instant now) throws IOException {
        List<String> active = new ArrayList<>();
        Map<String, FieldValue> after = null;
        String since = now.minusSeconds(30L * 24 * 3600).toString();
        while (true) {
            Map<String, FieldValue> from = after;
            var response = client.search(s -> s.index(prefix + "-events-*").size(0)
                    .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("name").value("Page Viewed")))
                            .filter(f -> f.term(t -> t.field("properties.category").value("pricing")))
                            .filter(f -> f.prefix(p -> p.field("leadId").value(idPrefix)))
                            .filter(f -> f.range(r -> r.date(d -> d.field("timestamp").gte(since))))))
                    .aggregations("leads", a -> a.composite(c -> {
                        c.size(10_000).sources(List.of(Map.of("lead", CompositeAggregationSource.of(
                                src -> src.terms(t -> t.field("leadId"))))));
                        if (from != null) {
                            c.after(from);
                        }
                        return c;
                    })), Void.class);
            var page = response.aggregations().get("leads").composite();
            for (CompositeBucket bucket : page.buckets().array()) {
                if (bucket.docCount() >= 2) {
                    active.add(bucket.key().get("lead").stringValue());
                }
            }
            if (page.buckets().array().isEmpty() || page.afterKey() == null || page.afterKey().isEmpty()) {
                break;
            }
            after = page.afterKey();
        }
        Set<String> members = new HashSet<>();
        for (int start = 0; start < active.size(); start += 10_000) {
            List<FieldValue> ids = active.subList(start, Math.min(active.size(), start + 10_000)).stream().map(FieldValue::of).toList();
            // Paged by id: a chunk of 10,000 candidates can hold up to 10,000 members.
            String last = null;
            while (true) {
                String from = last;
                var response = client.search(s -> {
                    s.index(prefix + "-leads").size(5_000).source(src -> src.fetch(false))
                            .query(q -> q.bool(b -> b.filter(f -> f.terms(t -> t.field("id").terms(v -> v.value(ids))))
                                    .filter(f -> f.term(t -> t.field("tags").value("interest:guide")))
                                    .filter(f -> f.term(t -> t.field("traits.city").value("Shanghai")))))
                            .sort(o -> o.field(f -> f.field("id")));
                    if (from != null) {
                        s.searchAfter(FieldValue.of(from));
                    }
                    return s;
                }, Void.class);
                if (response.hits().hits().isEmpty()) {
                    break;
                }
                response.hits().hits().forEach(hit -> members.add(hit.id()));
                last = response.hits().hits().get(response.hits().hits().size() - 1).id();
            }
        }
        return members;
    }
}
