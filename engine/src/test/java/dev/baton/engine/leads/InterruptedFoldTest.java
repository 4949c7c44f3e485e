package dev.baton.engine.leads;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One batch of one partition holds a person's phone and laptop, interleaved: the laptop's visitor
 * is folded into the phone's lead at the batch's last event. The batch's tombstone and identities
 * land, its write of the lead is lost (a 409, or the node killed), and the batch is done again on
 * what is stored. The redo meets the visitor's tombstone at the laptop's first event, earlier than
 * the first attempt folded it: what the visitor had applied comes in with it, and the phone's own
 * event between the laptop's is still applied (the visitor's Kafka offset speaks for the
 * visitor's events only).
 */
class InterruptedFoldTest extends IntegrationTest {
    @Autowired EventPipeline pipeline;
    @Autowired LeadStore leads;
    @Autowired ElasticsearchClient client;
    @Autowired Indices indices;

    @Test
    void aFoldRedoneAfterItsLeadWriteWasLostKeepsEveryEventOfBothDevicesOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String phone = "if-a-" + run;
        String laptop = "if-b-" + run;
        String email = "if-" + run + "@example.com";
        String topic = "interrupted-" + run;
        Instant at = Instant.now().minusSeconds(60);
        List<String> messages = List.of(
                track(laptop, "Page Viewed", "{\"category\":\"pricing\"}", "", at, run + "-1"),
                """
                {"type":"identify","anonymousId":"%s","traits":{"email":"%s"},"messageId":"%s","timestamp":"%s"}"""
                        .formatted(phone, email, "if-" + run + "-2", at.plusSeconds(1)),
                track(laptop, "Page Viewed", "{\"category\":\"blog\"}", "", at.plusSeconds(2), run + "-3"),
                track(laptop, "Webinar Registered", "{}", ",\"context\":{\"traits\":{\"email\":\"%s\"}}".formatted(email),
                        at.plusSeconds(3), run + "-4"));
        List<ConsumerRecord<String, String>> batch = new java.util.ArrayList<>();
        for (int n = 0; n < messages.size(); n++) {
            String key = n == 1 ? phone : laptop;
            batch.add(new ConsumerRecord<>(topic, 0, 10 + n, key, messages.get(n)));
        }

        pipeline.process(batch);
        LeadProfile whole = leads.get(phone);
        assertThat(whole.eventCount()).as("the first attempt, all written").isEqualTo(4);
        assertThat(leads.get(laptop).id()).as("the laptop's visitor folded into the phone's lead").isEqualTo(phone);

        // What the batch leaves if its write of the lead is lost: the tombstone and the identities, no
        // lead, and no event documents (they are written last).
        client.delete(d -> d.index(indices.leads()).id(phone).refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
        for (int n = 1; n <= 4; n++) {
            String id = "if-" + run + "-" + n;
            client.delete(d -> d.index(indices.events(at)).id(id));
        }
        pipeline.process(batch);

        LeadProfile redone = leads.get(phone);
        assertThat(redone.eventCount()).as("pricing and blog views (the visitor's), identify, webinar").isEqualTo(4);
        assertThat(redone.mergedLeads()).containsExactly(laptop);
        assertThat(redone.scoreParts()).extracting(ScorePart::rule)
                .contains("Pricing page viewed", "Webinar registered");
        assertThat(redone.score()).as("the same lead as the first attempt made").isEqualTo(whole.score());
    }

    private static String track(String device, String event, String properties, String more, Instant at, String id) {
        return """
                {"type":"track","anonymousId":"%s","event":"%s","properties":%s%s,"messageId":"if-%s","timestamp":"%s"}"""
                .formatted(device, event, properties, more, id, at);
    }
}
