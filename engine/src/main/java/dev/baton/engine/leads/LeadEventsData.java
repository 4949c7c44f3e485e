package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.privacy.Person;
import dev.baton.engine.privacy.PersonalData;
import dev.baton.engine.search.DocumentScan;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Every event of the person, under the lead and the leads folded into it, oldest first, as stored. */
@Component
class LeadEventsData implements PersonalData {
    private static final int PAGE = 500;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final ObjectMapper json;

    LeadEventsData(ElasticsearchClient client, Indices indices, ObjectMapper json) {
        this.client = client;
        this.indices = indices;
        this.json = json;
    }

    @Override
    public String part() {
        return "events";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        // Under any of their leads, or sent with any id they were known by (events keep the ids they came with).
        List<Query> theirs = new ArrayList<>();
        theirs.add(terms(EventFields.LEAD_ID, person.leadIds()));
        if (!person.anonymousIds().isEmpty()) {
            theirs.add(terms("anonymousId", person.anonymousIds()));
        }
        if (!person.userIds().isEmpty()) {
            theirs.add(terms("userId", person.userIds()));
        }
        Query query = Query.of(q -> q.bool(b -> b.should(theirs).minimumShouldMatch("1")));
        out.writeStartArray();
        DocumentScan.forEach(client, indices.allEvents(), query, EventFields.TIMESTAMP, PAGE, events -> {
            for (var event : events) {
                json.writeTree(out, event);
            }
            out.flush();
        });
        out.writeEndArray();
    }

    private static Query terms(String field, java.util.Collection<String> values) {
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values.stream().map(FieldValue::of).toList()))));
    }
}
