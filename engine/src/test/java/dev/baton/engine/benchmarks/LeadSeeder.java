package dev.baton.engine.benchmarks;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.LeadsAtScale;
import java.time.Instant;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/**
 * A tool, not a test (surefire's default run skips it; README, "Trying Baton at scale"): seeds
 * the Elasticsearch of a running Baton with leads and their events, straight into its indices.
 * {@code -Dbaton.seed.leads} (100,000), {@code -Dbaton.seed.events} (1,000,000),
 * {@code -Dbaton.seed.elasticsearch} (http://localhost:9200), {@code -Dbaton.seed.prefix}
 * (baton), {@code -Dbaton.seed.ids} (the lead ids' prefix, "seed").
 */
class LeadSeeder {

    @Test
    void seedLeadsAndEventsIntoBatonsIndices() throws Exception {
        int leads = Integer.getInteger("baton.seed.leads", 100_000);
        long events = Long.getLong("baton.seed.events", 1_000_000L);
        String prefix = System.getProperty("baton.seed.prefix", "baton");
        String ids = System.getProperty("baton.seed.ids", "seed");
        try (RestClient rest = RestClient.builder(HttpHost.create(System.getProperty("baton.seed.elasticsearch",
                "http://localhost:9200"))).build()) {
            Indices.withPrefix(new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper())), prefix)
                    .ensureInstalled();
            System.out.printf("Seeding %,d leads and about %,d events into %s-* ...%n", leads, events, prefix);
            LeadsAtScale.Seeded seeded = new LeadsAtScale(rest, prefix).seed(ids, leads, events, 1, Instant.now(), 2);
            System.out.printf("Seeded %,d leads and %,d events in %.0f s (%,.0f documents/s)%n", seeded.leads(),
                    seeded.events(), seeded.seconds(), seeded.documentsPerSecond());
        }
    }
}
