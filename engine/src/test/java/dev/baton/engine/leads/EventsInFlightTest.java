package dev.baton.engine.leads;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A segment build waits for the pipeline's batches in flight: what Kafka holds before the wait is stored after it. */
class EventsInFlightTest extends IntegrationTest {
    @Autowired EventsInFlight inFlight;
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;

    @Test
    void eventsAcceptedBeforeTheWaitAreStoredWhenItEnds() throws Exception {
        String user = "fl-" + UUID.randomUUID().toString().substring(0, 8);
        String message = "fl-" + UUID.randomUUID();
        // Accepted means in Kafka; the pipeline has yet to store it.
        track("""
                {"userId":"%s","event":"Webinar Attended","messageId":"%s"}""".formatted(user, message));

        assertThat(inFlight.await(Duration.ofSeconds(60))).as("partitions still being handled").isZero();

        elasticsearch.indices().refresh(r -> r.index(indices.allEvents()));
        long stored = elasticsearch.count(c -> c.index(indices.allEvents())
                .query(q -> q.ids(i -> i.values(message)))).count();
        assertThat(stored).isEqualTo(1);
    }
}
