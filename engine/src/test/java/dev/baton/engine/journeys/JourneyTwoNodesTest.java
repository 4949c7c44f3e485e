package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.engine.testing.BatonSchema;
import dev.baton.engine.testing.TestPostgres;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.spring.SpringProcessEngineConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two engine nodes (two Camunda engines on one PostgreSQL, the database production nodes share),
 * each correlating on its own thread: a lead's click reaches one node and its form the other at
 * the same moment. The database holds "one active journey per lead", so each lead ends in one
 * share-to-lead journey with one welcome to send, whichever node wins.
 */
class JourneyTwoNodesTest {
    private static final int LEADS = 40;

    @Test
    void clickAndFormOfOneLeadOnTwoNodesAtOnceMakeOneJourneyAndOneWelcome() throws Exception {
        String url = TestPostgres.freshSchema("baton_nodes");
        try (Node first = new Node(url, "node-1"); Node second = new Node(url, "node-2")) {
            first.engine.getRepositoryService().createDeployment()
                    .addClasspathResource("dev/baton/processes/share-to-lead.bpmn").deploy();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                for (int n = 0; n < LEADS; n++) {
                    String lead = "two-nodes-" + n + "-" + UUID.randomUUID();
                    CountDownLatch go = new CountDownLatch(1);
                    var click = CompletableFuture.runAsync(() -> first.deliver(go, signal(lead, "Share Clicked")), threads);
                    var form = CompletableFuture.runAsync(() -> second.deliver(go, signal(lead, "Form Submitted")), threads);
                    go.countDown();
                    CompletableFuture.allOf(click, form).join();

                    assertOneJourneyAndOneWelcome(second.engine, lead);
                }
            } finally {
                threads.shutdownNow();
            }
        } finally {
            TestPostgres.dropSchema(url);
        }
    }

    @Test
    void aPollReplayedAfterAnOutageWithSignalsAlreadyCorrelatedInItCorrelatesTheRestInOneTransaction() throws Exception {
        String url = TestPostgres.freshSchema("baton_poll");
        try (Node node = new Node(url, "node-poll")) {
            node.engine.getRepositoryService().createDeployment()
                    .addClasspathResource("dev/baton/processes/share-to-lead.bpmn").deploy();
            String done = "poll-done-" + UUID.randomUUID();
            String fresh = "poll-fresh-" + UUID.randomUUID();
            JourneySignal doneClick = signal(done, "Share Clicked");
            JourneySignal doneForm = signal(done, "Form Submitted");
            node.correlator.correlate(doneClick);
            node.correlator.correlate(doneForm);

            // On PostgreSQL a duplicate key error would abort the whole transaction: the replayed
            // signals in the middle of the poll must be recognised without one.
            var outcomes = node.correlator.correlateAll(List.of(signal(fresh, "Share Clicked"), doneClick, doneForm,
                    signal(fresh, "Form Submitted")));

            assertThat(outcomes).extracting(JourneyCorrelator.Outcome::duplicate).containsExactly(false, true, true, false);
            assertThat(outcomes.get(0).started()).containsExactly("baton-share-to-lead");
            assertThat(outcomes.get(3).delivered()).isEqualTo(1);
            assertOneJourneyAndOneWelcome(node.engine, done);
            assertOneJourneyAndOneWelcome(node.engine, fresh);
        } finally {
            TestPostgres.dropSchema(url);
        }
    }

    /** The lead is in one share-to-lead journey, with one welcome to send. */
    private static void assertOneJourneyAndOneWelcome(ProcessEngine engine, String lead) {
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processDefinitionKey("baton-share-to-lead").processInstanceBusinessKey(lead).count())
                .as("share-to-lead journeys of " + lead).isEqualTo(1);
        assertThat(engine.getExternalTaskService().createExternalTaskQuery().topicName("send-email")
                .list().stream().filter(task -> lead.equals(task.getBusinessKey())).count())
                .as("welcomes to send to " + lead).isEqualTo(1);
    }

    private static JourneySignal signal(String lead, String event) {
        return new JourneySignal(UUID.randomUUID().toString(), lead, List.of(), event, Map.of(), Instant.now());
    }

    /** One engine node: its own Camunda engine and correlator, on the shared database. */
    private static final class Node implements AutoCloseable {
        final HikariDataSource pool = new HikariDataSource();
        final ProcessEngine engine;
        final JourneyCorrelator correlator;

        Node(String url, String name) {
            pool.setJdbcUrl(url);
            pool.setUsername(TestPostgres.user());
            pool.setMaximumPoolSize(4);
            DataSourceTransactionManager transactions = new DataSourceTransactionManager(pool);
            SpringProcessEngineConfiguration configuration = new SpringProcessEngineConfiguration();
            configuration.setDataSource(pool);
            configuration.setTransactionManager(transactions);
            configuration.setDatabaseSchemaUpdate("true");
            // Camunda looks for its tables by schema: without this it may find another test's schema's.
            String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
            configuration.setDatabaseSchema(schema);
            configuration.setDatabaseTablePrefix(schema + ".");
            configuration.setJobExecutorActivate(false);
            configuration.setHistory("full");
            configuration.setProcessEngineName(name + "-" + UUID.randomUUID());
            var context = new org.springframework.context.support.GenericApplicationContext();
            context.refresh();
            configuration.setApplicationContext(context);
            engine = configuration.buildProcessEngine();
            BatonSchema.migrate(pool);
            correlator = new JourneyCorrelator(engine.getRuntimeService(), engine.getRepositoryService(),
                    new JdbcTemplate(pool), new TransactionTemplate(transactions), configuration,
                    JourneySettings.DEFAULTS, new ObjectMapper().findAndRegisterModules(), Clock.systemUTC());
        }

        /**
         * Correlates once the test says go; a failure (the other node held the lead's journey slot)
         * is retried, as the journeys consumer retries its batch.
         */
        void deliver(CountDownLatch go, JourneySignal signal) {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    correlator.correlate(signal);
                    return;
                } catch (RuntimeException e) {
                    if (attempt == 20) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public void close() {
            engine.close();
            pool.close();
        }
    }
}
