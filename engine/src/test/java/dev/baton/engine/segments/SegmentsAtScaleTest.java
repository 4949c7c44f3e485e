package dev.baton.engine.segments;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.LeadsAtScale;
import dev.baton.engine.testing.RawSegmentCount;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * The segment benchmark's scenario at a size CI runs (thousands of leads): leads and events
 * seeded straight into Elasticsearch, a three-condition segment built over them, its count and
 * members equal to the answer counted from the raw events.
 */
class SegmentsAtScaleTest extends IntegrationTest {
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Value("${baton.elasticsearch.index-prefix}") String prefix;

    @Test
    void aSegmentBuiltOverSeededLeadsCountsAndListsExactlyWhatTheRawEventsSay() throws Exception {
        indices.ensureInstalled();
        String people = "scale-" + UUID.randomUUID().toString().substring(0, 6);
        Instant now = Instant.now();
        var rest = ((RestClientTransport) elasticsearch._transport()).restClient();
        LeadsAtScale.Seeded seeded = new LeadsAtScale(rest, prefix).seed(people, 3_000, 30_000, 7, now, 2);
        assertThat(seeded.leads()).isEqualTo(3_000);
        Set<String> expected = RawSegmentCount.members(elasticsearch, prefix, people, now);
        assertThat(expected).as("the scenario has members and non-members").hasSizeBetween(10, 2_000);

        String segment = people;
        String conditions = RawSegmentCount.CONDITIONS.replace("{\"all\":[",
                "{\"all\":[{\"trait\":\"email\",\"prefix\":\"" + people + "-\"},");
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT,
                jsonBody("{\"name\":\"Shanghai guide readers on pricing\",\"conditions\":" + conditions + "}"), String.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(() ->
                "done".equals(getJson("/api/segments/" + segment).path("build").path("phase").asText()));

        JsonNode built = getJson("/api/segments/" + segment);
        assertThat(built.path("count").asLong()).isEqualTo(expected.size());
        assertThat(built.path("build").path("processed").asLong()).as("members recorded").isEqualTo(expected.size());
        Set<String> listed = new HashSet<>();
        String after = "";
        while (after != null) {
            JsonNode page = getJson("/api/segments/" + segment + "/leads?size=500&after=" + after);
            page.path("leads").forEach(lead -> listed.add(lead.path("id").asText()));
            after = page.path("next").isNull() ? null : page.path("next").asText();
        }
        assertThat(listed).isEqualTo(expected);
    }
}
