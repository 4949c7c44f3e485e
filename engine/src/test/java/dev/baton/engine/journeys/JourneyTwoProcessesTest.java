package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.testing.EngineProcess;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.KafkaProgress;
import dev.baton.engine.testing.TestPostgres;
import dev.baton.engine.testing.TestServers;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two engine processes (two JVMs, as two servers run them) on one PostgreSQL, sharing Kafka,
 * Elasticsearch and the SMTP server. Here each process's journey consumer is a group of its own
 * ({@code baton.kafka.journeys-group}), so every journey signal reaches both processes: a lead's
 * click and form are correlated on both engines at the same moment. The database's "one active
 * journey per lead" and Camunda's fetch-and-lock still leave each lead one share-to-lead journey
 * and one welcome email, whichever process wins.
 */
class JourneyTwoProcessesTest {
    private static final int LEADS = 20;
    private static final Duration FLOW = Duration.ofMinutes(3);

    @Test
    void clickAndFormCorrelatedOnTwoEngineProcessesAtOnceMakeOneJourneyAndOneWelcomePerLead() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = TestPostgres.freshSchema("baton_procs");
        try {
            Map<String, Object> shared = EngineProcess.nodesOn("procs-" + run, database);
            // One after the other: Camunda creates its schema on the first start, which two engines must not race.
            try (EngineProcess first = EngineProcess.start("first-" + run, withJourneysGroup(shared, "first-" + run));
                 EngineProcess second = first.awaitUp().andThen("second-" + run, withJourneysGroup(shared, "second-" + run))) {
                second.awaitUp();
                List<String> emails = new ArrayList<>();
                for (int n = 0; n < LEADS; n++) {
                    String visitor = "visitor-" + run + "-" + n;
                    String email = "two-procs-" + run + "-" + n + "@example.com";
                    emails.add(email);
                    // Each lead as a Segment server SDK sends it: the click and the form in one batch, to either process.
                    (n % 2 == 0 ? first : second).track("/v1/batch", """
                            {"batch":[
                              {"type":"track","anonymousId":"%1$s","event":"Share Clicked"},
                              {"type":"track","anonymousId":"%1$s","event":"Form Submitted","properties":{"form":"guide"},
                               "context":{"traits":{"email":"%2$s","firstName":"Two"}}}]}""".formatted(visitor, email));
                }

                for (String email : emails) {
                    await().atMost(FLOW).until(() -> IntegrationTest.mailTo(email).size() >= 1);
                }
                // Every welcome sent, none left to send: a second one could only come from a second journey.
                await().atMost(FLOW).until(() -> pendingEmails(database) == 0);
                for (String email : emails) {
                    assertThat(IntegrationTest.mailTo(email)).as("welcomes to " + email).hasSize(1);
                }
                // Both processes took every journey signal in (each its own group), so each was correlated on both.
                Map<String, Object> kafka = Map.of("bootstrap.servers", TestServers.endpoints().kafkaBootstrapServers());
                for (String group : List.of("procs-journeys-first-" + run, "procs-journeys-second-" + run)) {
                    KafkaProgress signals = new KafkaProgress(kafka, "procs-" + run + ".events.journeys", 3, group);
                    await().atMost(FLOW).until(signals::caughtUp);
                    assertThat(signals.committed()).as("journey signals %s took in", group)
                            .isGreaterThanOrEqualTo(2L * LEADS);
                }
                Map<String, Integer> journeys = shareToLeadJourneysPerLead(database);
                assertThat(journeys).as("leads with a share-to-lead journey").hasSize(LEADS);
                assertThat(journeys.values()).as("share-to-lead journeys per lead").containsOnly(1);
                assertThat(first.log()).contains("Started BatonApplication");
                assertThat(second.log()).contains("Started BatonApplication");
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    /** What both processes share: the servers, the Camunda database, topics, indices and keys. */
    /** Each process its own journeys consumer group, so every journey signal reaches both. */
    private static Map<String, Object> withJourneysGroup(Map<String, Object> shared, String name) {
        Map<String, Object> properties = new LinkedHashMap<>(shared);
        properties.put("baton.kafka.journeys-group", "procs-journeys-" + name);
        return properties;
    }

    private static long pendingEmails(String database) throws Exception {
        try (var connection = DriverManager.getConnection(database, TestPostgres.user(), TestPostgres.password());
             var query = connection.prepareStatement("SELECT count(*) FROM act_ru_ext_task WHERE topic_name_ = 'send-email'");
             var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Map<String, Integer> shareToLeadJourneysPerLead(String database) throws Exception {
        Map<String, Integer> perLead = new HashMap<>();
        try (var connection = DriverManager.getConnection(database, TestPostgres.user(), TestPostgres.password());
             var query = connection.prepareStatement("SELECT business_key_, count(*) FROM act_hi_procinst"
                     + " WHERE proc_def_key_ = 'baton-share-to-lead' GROUP BY business_key_");
             var rows = query.executeQuery()) {
            while (rows.next()) {
                perLead.put(rows.getString(1), rows.getInt(2));
            }
        }
        return perLead;
    }
}
