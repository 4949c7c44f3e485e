package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.advocacy.VisitorProfiles;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** The live profiles behind visitor ids, for advocacy's figures of what shares brought. */
@Component
class LeadPeople implements VisitorProfiles {
    /** Visitor ids per request. */
    private static final int CHUNK = 1000;
    /**
     * Profiles per request: a visitor id is in one live profile, or a few (a shared computer: the
     * second person's profile takes the device too), so a chunk's profiles fit Elasticsearch's window.
     */
    private static final int MAX_PROFILES = 10_000;
    private final ElasticsearchClient client;
    private final Indices indices;

    LeadPeople(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    @Override
    public List<Profile> of(Collection<String> visitorIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(visitorIds));
        Map<String, Profile> profiles = new LinkedHashMap<>();
        try {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<FieldValue> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK)).stream().map(FieldValue::of).toList();
                var response = client.search(s -> s.index(indices.leads()).size(MAX_PROFILES).trackTotalHits(t -> t.enabled(true))
                        .query(q -> q.bool(b -> b
                                .should(x -> x.terms(t -> t.field(LeadFields.ANONYMOUS_IDS).terms(v -> v.value(chunk))))
                                .should(x -> x.terms(t -> t.field(LeadFields.ID).terms(v -> v.value(chunk))))
                                .minimumShouldMatch("1")
                                .mustNot(x -> x.exists(e -> e.field(LeadFields.MERGED_INTO)))))
                        .source(src -> src.filter(f -> f.includes(LeadFields.ID, LeadFields.ANONYMOUS_IDS, LeadFields.MERGED_LEADS,
                                LeadFields.TIER, LeadFields.TAGS, LeadFields.EVENT_COUNT))), JsonNode.class);
                if (response.hits().total() != null && response.hits().total().value() > response.hits().hits().size()) {
                    throw new IllegalStateException(response.hits().total().value() + " profiles hold " + chunk.size()
                            + " visitor ids, more than one request reads");
                }
                for (var hit : response.hits().hits()) {
                    JsonNode lead = hit.source();
                    Set<String> seenAs = strings(lead.path(LeadFields.ANONYMOUS_IDS));
                    seenAs.add(hit.id());
                    profiles.putIfAbsent(hit.id(), new Profile(hit.id(), Set.copyOf(seenAs),
                            Set.copyOf(strings(lead.path(LeadFields.MERGED_LEADS))), lead.path(LeadFields.TIER).asText(null),
                            Set.copyOf(strings(lead.path(LeadFields.TAGS))), lead.path(LeadFields.EVENT_COUNT).asLong()));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("reading the profiles behind " + ids.size() + " visitors failed: "
                    + e.getMessage(), e);
        }
        return new ArrayList<>(profiles.values());
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
