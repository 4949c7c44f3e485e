package dev.baton.engine.messaging;

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
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What was sent to the person and what became of it (the delivery log: channel, address,
 * template, state, provider's id, reason), and the opt-outs and bounces that stop sends to their
 * addresses (suppressions).
 */
@Component
class MessagingPersonalData implements PersonalData {
    private static final int PAGE = 500;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final ObjectMapper json;

    MessagingPersonalData(ElasticsearchClient client, Indices indices, ObjectMapper json) {
        this.client = client;
        this.indices = indices;
        this.json = json;
    }

    @Override
    public String part() {
        return "messages";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        List<String> addresses = new ArrayList<>(person.emails());
        addresses.addAll(person.phones());
        out.writeStartObject();
        out.writeArrayFieldStart("deliveries");
        DocumentScan.forEach(client, indices.deliveries(), Query.of(q -> q.bool(b -> b
                .should(s -> s.terms(t -> t.field("leadId").terms(v -> v.value(values(person.leadIds())))))
                .should(s -> s.terms(t -> t.field("to").terms(v -> v.value(values(addresses)))))
                .minimumShouldMatch("1"))), "claimedAt", PAGE, page -> {
                    for (var delivery : page) {
                        json.writeTree(out, delivery);
                    }
                });
        out.writeEndArray();
        out.writeArrayFieldStart("suppressions");
        DocumentScan.forEach(client, indices.suppressions(), Query.of(q -> q.bool(b -> b
                .should(s -> s.terms(t -> t.field("leadId").terms(v -> v.value(values(person.leadIds())))))
                .should(s -> s.terms(t -> t.field("address").terms(v -> v.value(values(addresses)))))
                .minimumShouldMatch("1"))), "at", PAGE, page -> {
                    for (var suppression : page) {
                        json.writeTree(out, suppression);
                    }
                });
        out.writeEndArray();
        out.writeEndObject();
    }

    private static List<FieldValue> values(Collection<String> values) {
        return values.stream().map(FieldValue::of).toList();
    }
}
