package dev.baton.engine.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.testing.TestServers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mappings are versioned like SQL migrations: each logical index is an alias to {@code -v<N>},
 * an installation from before versioning or an older version is reindexed into the new one, and
 * nothing is lost on the way. Against the real Elasticsearch the tests share, each test under a
 * prefix of its own; no Spring context.
 */
class IndexMigrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LEADS = 120;

    private RestClient rest;
    /** The leads mapping's version on the classpath, and the one a test bumps it to. */
    private static final int CURRENT = Mapping.of("leads", Mapping.Source.CLASSPATH.json("leads")).version();
    private static final int NEXT = CURRENT + 1;
    private ElasticsearchClient client;
    private String prefix;

    @BeforeEach
    void connect() {
        rest = RestClient.builder(HttpHost.create(TestServers.endpoints().elasticsearchUri())).build();
        client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        prefix = "migration-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void removeTheTestsIndices() throws IOException {
        // By name: Elasticsearch refuses to delete by wildcard.
        List<String> names = new ArrayList<>(client.indices().get(g -> g.index(prefix + "-*")).result().keySet());
        if (!names.isEmpty()) {
            client.indices().delete(d -> d.index(names));
        }
        client.indices().deleteIndexTemplate(d -> d.name(prefix + "-events"));
        rest.close();
    }

    @Test
    void anIndexFromBeforeVersioningBecomesAnAliasToTheCurrentVersionWithEveryDocument() throws IOException {
        String leads = prefix + "-leads";
        client.indices().create(c -> c.index(leads).mappings(m -> m.properties("score", p -> p.integer(i -> i))));
        writeLeads(leads, Refresh.False); // not yet searchable: the migration must refresh before it copies

        node(Mapping.Source.CLASSPATH).ensureInstalled();

        assertThat(indicesBehind(leads)).containsExactly(leads + "-v" + CURRENT);
        assertThat(everyLeadIn(leads)).isTrue();
        assertThat(typeOf(leads, "score")).isEqualTo(Property.Kind.Integer);
        // The old index was write-blocked for the copy; the new one takes writes through the alias.
        client.create(c -> c.index(leads).id("after-migration").document(Map.of("id", "after-migration", "score", 1)));
    }

    @Test
    void aVersionBumpWithATypeChangeReindexesEveryDocumentUnderTheNewType() throws IOException {
        String leads = prefix + "-leads";
        node(Mapping.Source.CLASSPATH).ensureInstalled();
        writeLeads(leads, Refresh.False);

        node(scoreAsKeywordInNextVersion()).ensureInstalled();

        assertThat(indicesBehind(leads)).containsExactly(leads + "-v" + NEXT);
        assertThat(client.indices().exists(e -> e.index(leads + "-v" + CURRENT)).value()).as("old index removed").isFalse();
        assertThat(everyLeadIn(leads)).isTrue();
        assertThat(typeOf(leads, "score")).isEqualTo(Property.Kind.Keyword);
        // A keyword sorts as text: "99" after "100", which an integer field would never do.
        var top = client.search(s -> s.index(leads).size(1).sort(o -> o.field(f -> f.field("score")
                .order(co.elastic.clients.elasticsearch._types.SortOrder.Desc))), ObjectNode.class);
        assertThat(top.hits().hits().get(0).source().path("score").asInt()).isEqualTo(99);
        assertThat(schemaRecord(leads + "-v" + NEXT).path("documents").asLong()).isEqualTo(LEADS);
    }

    @Test
    void twoNodesStartingTogetherMigrateOnceAndAgreeOnTheAlias() throws Exception {
        String leads = prefix + "-leads";
        node(Mapping.Source.CLASSPATH).ensureInstalled();
        writeLeads(leads, Refresh.True);
        Indices first = node(scoreAsKeywordInNextVersion());
        Indices second = node(scoreAsKeywordInNextVersion());

        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> awaitThen(start, first::ensureInstalled));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> awaitThen(start, second::ensureInstalled));
        start.countDown();
        CompletableFuture.allOf(a, b).get(2, TimeUnit.MINUTES);

        assertThat(indicesBehind(leads)).containsExactly(leads + "-v" + NEXT);
        assertThat(everyLeadIn(leads)).isTrue();
        assertThat(typeOf(leads, "score")).isEqualTo(Property.Kind.Keyword);
        assertThat(client.get(g -> g.index(prefix + "-schema").id(leads + "-v" + NEXT), ObjectNode.class).version())
                .as("the new version's record written once: one migration").isEqualTo(1L);
        assertThat(client.get(g -> g.index(prefix + "-schema").id("lock:" + leads), ObjectNode.class).found())
                .as("lock released").isFalse();
    }

    @Test
    void installingAgainChangesNothing() throws IOException {
        String leads = prefix + "-leads";
        node(Mapping.Source.CLASSPATH).ensureInstalled();
        writeLeads(leads, Refresh.True);
        Map<String, String> uuidsBefore = indexUuids();

        node(Mapping.Source.CLASSPATH).ensureInstalled();

        assertThat(indexUuids()).as("same indices, none recreated").isEqualTo(uuidsBefore);
        assertThat(indicesBehind(leads)).containsExactly(leads + "-v" + CURRENT);
        assertThat(everyLeadIn(leads)).isTrue();
        assertThat(client.get(g -> g.index(prefix + "-schema").id(leads + "-v" + CURRENT), ObjectNode.class).version()).isEqualTo(1L);
    }

    private Indices node(Mapping.Source mappings) {
        return new Indices(client, prefix, mappings);
    }

    /** The leads mapping at the next version, with {@code score} changed from integer to keyword (not applicable in place). */
    private static Mapping.Source scoreAsKeywordInNextVersion() {
        return name -> {
            String json = Mapping.Source.CLASSPATH.json(name);
            if (!name.equals("leads")) {
                return json;
            }
            try {
                ObjectNode mapping = (ObjectNode) JSON.readTree(json);
                mapping.with("_meta").put("version", NEXT);
                mapping.with("properties").with("score").put("type", "keyword");
                return JSON.writeValueAsString(mapping);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private void writeLeads(String index, Refresh refresh) throws IOException {
        List<BulkOperation> operations = new ArrayList<>();
        for (int n = 0; n < LEADS; n++) {
            Map<String, Object> lead = Map.of("id", "lead-" + n, "score", n, "tier", n >= 100 ? "hot" : "cold");
            String id = "lead-" + n;
            operations.add(BulkOperation.of(o -> o.create(c -> c.index(index).id(id).document(lead))));
        }
        assertThat(client.bulk(b -> b.operations(operations).refresh(refresh)).errors()).isFalse();
    }

    /** Every lead written, each by id through the alias, with its score. */
    private boolean everyLeadIn(String alias) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < LEADS; n++) {
            ids.add("lead-" + n);
        }
        var docs = client.mget(m -> m.index(alias).ids(ids), ObjectNode.class).docs();
        for (int n = 0; n < LEADS; n++) {
            var doc = docs.get(n).result();
            if (!doc.found() || doc.source().path("score").asInt() != n) {
                return false;
            }
        }
        client.indices().refresh(r -> r.index(alias));
        return client.count(c -> c.index(alias)).count() == LEADS;
    }

    private Set<String> indicesBehind(String alias) throws IOException {
        assertThat(client.indices().existsAlias(e -> e.name(alias)).value()).as(alias + " is an alias").isTrue();
        return client.indices().getAlias(g -> g.name(alias)).result().keySet();
    }

    private Property.Kind typeOf(String alias, String field) throws IOException {
        var mappings = client.indices().getMapping(g -> g.index(alias)).result().values().iterator().next().mappings();
        return mappings.properties().get(field)._kind();
    }

    private ObjectNode schemaRecord(String index) throws IOException {
        return client.get(g -> g.index(prefix + "-schema").id(index), ObjectNode.class).source();
    }

    private Map<String, String> indexUuids() throws IOException {
        Map<String, String> uuids = new java.util.TreeMap<>();
        client.indices().getSettings(g -> g.index(prefix + "-*")).result()
                .forEach((name, state) -> uuids.put(name, state.settings().index().uuid()));
        return uuids;
    }

    private static void awaitThen(CountDownLatch start, Runnable install) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        install.run();
    }
}
