package dev.baton.engine.advocacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.EngineProcess;
import dev.baton.engine.testing.TestPostgres;
import dev.baton.engine.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The redirect does not wait for Kafka: a click is on the node's disk (its event journal) when the
 * visitor is sent on. Here Kafka is away, five visitors click, and the node is killed with
 * SIGKILL before it could send them on; the next engine started on that disk sends them, and each
 * counts once.
 */
class ShareClickNodeKilledTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final Duration FLOW = Duration.ofMinutes(3);
    private final HttpClient visitors = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void clicksJournaledWhileKafkaIsAwayOutliveTheirNodesKillAndCountOnceWhenTheNextEngineStarts(@TempDir Path journal)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = TestPostgres.freshSchema("baton_click_kill");
        try {
            Map<String, Object> shared = EngineProcess.nodesOn("click-kill-" + run, database);
            shared.put("baton.tracking.journal-dir", journal.toString());
            String code;
            try (EngineProcess doomed = EngineProcess.start("click-doomed-" + run, shared).awaitUp()) {
                assertThat(doomed.admin("PUT", "/api/teams/east", "{\"name\":\"East\"}").statusCode()).isEqualTo(200);
                assertThat(doomed.admin("PUT", "/api/employees/fay", "{\"name\":\"Fay\",\"team\":\"east\"}").statusCode()).isEqualTo(200);
                assertThat(doomed.admin("POST", "/api/campaigns", """
                        {"id":"kill","name":"Kill","contents":[{"id":"guide","url":"https://www.example.com/guide"}]}""")
                        .statusCode()).isEqualTo(201);
                var share = doomed.admin("POST", "/api/shares", "{\"campaign\":\"kill\",\"content\":\"guide\",\"employee\":\"fay\"}");
                assertThat(share.statusCode()).as(share.body()).isEqualTo(201);
                code = JSON.readTree(share.body()).path("code").asText();

                try (AutoCloseable outage = TestServers.kafkaOutage()) {
                    for (int i = 0; i < 5; i++) {
                        HttpResponse<Void> click = visitors.send(HttpRequest.newBuilder(URI.create(doomed.url("/s/" + code)))
                                .header("User-Agent", BROWSER).build(), HttpResponse.BodyHandlers.discarding());
                        assertThat(click.statusCode()).isEqualTo(302);
                    }
                    assertThat(journaledLines(journal)).as("on the node's disk before the visitors were sent on").isEqualTo(5);
                    doomed.kill();
                }
            }
            List<Path> left = journals(journal);
            assertThat(left).as("the killed node's journal stays for the next engine").hasSize(1);

            try (EngineProcess next = EngineProcess.start("click-next-" + run, shared).awaitUp()) {
                await().atMost(FLOW).pollInterval(Duration.ofSeconds(1)).until(() ->
                        json(next, "/api/advocacy/employees/fay?campaign=kill").path("figures").path("reach").asLong() == 5);
                await().atMost(FLOW).until(() -> !Files.exists(left.get(0)));
                assertThat(json(next, "/api/shares/" + code + "/reach").toString()).contains("\"clicks\":5");
                assertThat(next.log()).contains("Sent 5 events on to Kafka from " + left.get(0));
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    private static List<Path> journals(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".journal")).toList();
        }
    }

    private static long journaledLines(Path root) throws Exception {
        long lines = 0;
        for (Path file : journals(root)) {
            lines += Files.readAllLines(file).size();
        }
        return lines;
    }

    private static JsonNode json(EngineProcess node, String path) throws Exception {
        var response = node.admin("GET", path, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }
}
