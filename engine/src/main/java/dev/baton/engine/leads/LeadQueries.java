package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.identity.PersonIds;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** Searches over leads and their events (timeline). */
@Component
class LeadQueries {
    private final ElasticsearchClient client;
    private final Indices indices;
    private final LeadStore leads;

    LeadQueries(ElasticsearchClient client, Indices indices, LeadStore leads) {
        this.client = client;
        this.indices = indices;
        this.leads = leads;
    }

    /** One page of results and how many there are in all. */
    record Page<T>(long total, int page, int size, List<T> items) {
        <R> Page<R> map(java.util.function.Function<T, R> each) {
            return new Page<>(total, page, size, items.stream().map(each).toList());
        }
    }

    /**
     * A lead's events, newest first: every event sent under any id it was known by (events keep
     * the ids they came with; merging a visitor into a lead rewrites nothing).
     */
    Page<Map<String, Object>> timeline(String id, int page, int size) {
        Query byLead = StoredEvents.byAnyIdOf(leads.get(id));
        try {
            @SuppressWarnings({"unchecked", "rawtypes"})
            var response = client.search(s -> s.index(indices.allEvents()).ignoreUnavailable(true).allowNoIndices(true)
                    .query(byLead)
                    .sort(o -> o.field(f -> f.field(EventFields.TIMESTAMP).order(SortOrder.Desc)))
                    .from(page * size).size(size).trackTotalHits(t -> t.enabled(true)), (Class<Map<String, Object>>) (Class) Map.class);
            return new Page<>(response.hits().total() == null ? 0 : response.hits().total().value(), page, size,
                    response.hits().hits().stream().map(Hit::source).filter(Objects::nonNull).toList());
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("searching events of " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Leads matching a free-text id (email, phone, user or visitor id, tag, tier), optionally filtered. */
    Page<LeadProfile> search(String text, String tier, String tag, int page, int size) {
        List<Query> filters = new ArrayList<>();
        if (tier != null && !tier.isBlank()) {
            filters.add(term(LeadFields.TIER, tier.strip()));
        }
        if (tag != null && !tag.isBlank()) {
            filters.add(term(LeadFields.TAGS, tag.strip()));
        }
        List<Query> should = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            String value = text.strip();
            for (String field : new String[] {LeadFields.ID, LeadFields.USER_IDS, LeadFields.ANONYMOUS_IDS, LeadFields.TAGS, LeadFields.TIER}) {
                should.add(term(field, value));
            }
            String email = PersonIds.normaliseEmail(value);
            if (email != null) {
                should.add(term(LeadFields.EMAILS, email));
            }
            String phone = PersonIds.normalisePhone(value);
            if (phone != null) {
                should.add(term(LeadFields.PHONES, phone));
            }
        }
        try {
            var response = client.search(s -> s.index(indices.leads()).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.bool(b -> {
                        b.filter(filters).mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)));
                        if (!should.isEmpty()) {
                            b.should(should).minimumShouldMatch("1");
                        }
                        return b;
                    }))
                    .sort(o -> o.field(f -> f.field(LeadFields.LAST_SEEN).order(SortOrder.Desc).unmappedType(
                            co.elastic.clients.elasticsearch._types.mapping.FieldType.Date)))
                    .from(page * size).size(size).trackTotalHits(t -> t.enabled(true)), LeadProfile.class);
            return new Page<>(response.hits().total() == null ? 0 : response.hits().total().value(), page, size,
                    response.hits().hits().stream().map(Hit::source).filter(Objects::nonNull).toList());
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("searching leads failed: " + e.getMessage(), e);
        }
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }
}
