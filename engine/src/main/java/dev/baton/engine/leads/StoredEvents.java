package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.search.Indices;
import dev.baton.rules.BehaviourEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Behaviour events as stored in the events indices, read back for scoring (rescore, simulation). */
@Component
class StoredEvents {
    private static final int PAGE = 1000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final ObjectMapper json;
    private final EngineEvents engineEvents;

    StoredEvents(ElasticsearchClient client, Indices indices, ObjectMapper json, EngineEvents engineEvents) {
        this.client = client;
        this.indices = indices;
        this.json = json;
        this.engineEvents = engineEvents;
    }

    /** A stored event doc as the rules see it, filed under {@code leadId}. */
    public static BehaviourEvent behaviourEvent(ObjectNode doc, String leadId, ObjectMapper json) {
        JsonNode properties = doc.has("properties") ? doc.get("properties") : doc.get("traits");
        Map<String, Object> map = properties == null || !properties.isObject() ? Map.of()
                : json.convertValue(properties, json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        return new BehaviourEvent(doc.path("messageId").asText(), leadId, doc.path(EventFields.NAME).asText(), map,
                Instant.parse(doc.path(EventFields.TIMESTAMP).asText()));
    }

    /**
     * Every behaviour event of a lead, oldest first: those sent under any id it was known by
     * (engine-made events that are not behaviour are left out).
     */
    List<BehaviourEvent> of(LeadProfile lead) throws IOException {
        Query byLead = byAnyIdOf(lead);
        List<BehaviourEvent> events = new ArrayList<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            var response = client.search(s -> {
                s.index(indices.allEvents()).ignoreUnavailable(true).allowNoIndices(true).size(PAGE)
                        .query(q -> q.bool(b -> b.filter(byLead)
                                .filter(engineEvents.scoredEvents())))
                        .sort(o -> o.field(f -> f.field(EventFields.TIMESTAMP).order(SortOrder.Asc)))
                        .sort(o -> o.field(f -> f.field("messageId").order(SortOrder.Asc)));
                if (from != null) {
                    s.searchAfter(from);
                }
                return s;
            }, ObjectNode.class);
            for (Hit<ObjectNode> hit : response.hits().hits()) {
                if (hit.source() != null && hit.source().hasNonNull(EventFields.TIMESTAMP)) {
                    events.add(behaviourEvent(hit.source(), lead.id(), json));
                }
                after = hit.sort();
            }
            if (response.hits().hits().size() < PAGE) {
                return events;
            }
        }
    }

    /**
     * Events sent under any id the lead was known by: events keep the ids they came with, and
     * merging a visitor into a lead rewrites nothing.
     */
    static Query byAnyIdOf(LeadProfile lead) {
        List<Query> should = new ArrayList<>();
        should.add(terms(EventFields.LEAD_ID, List.of(lead.id())));
        if (!lead.anonymousIds().isEmpty()) {
            should.add(terms("anonymousId", List.copyOf(lead.anonymousIds())));
        }
        if (!lead.userIds().isEmpty()) {
            should.add(terms("userId", List.copyOf(lead.userIds())));
        }
        return Query.of(q -> q.bool(b -> b.should(should).minimumShouldMatch("1")));
    }

    /** Makes events written a moment ago visible to searches. */
    void refresh() throws IOException {
        client.indices().refresh(r -> r.index(indices.allEvents()).ignoreUnavailable(true).allowNoIndices(true));
    }

    static Query terms(String field, List<String> values) {
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values.stream().map(FieldValue::of).toList()))));
    }
}
