package dev.baton.engine.benchmarks;

import dev.baton.engine.journeys.JourneyCorrelator;
import dev.baton.engine.journeys.JourneySignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.spring.SpringProcessEngineConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Benchmark, not a test (surefire's default run skips it; run it with
 * {@code mvn -pl engine -am test -Dtest=JourneyCorrelationBenchmark -Dsurefire.failIfNoSpecifiedTests=false}):
 * journey instances started and advanced per second through Baton's correlator (idempotency
 * record, at-most-one-instance and re-entry checks, delivery to the waiting step), beside bare
 * Camunda doing the same start and correlation on the same process shape in the same run, on H2
 * and on PostgreSQL (127.0.0.1:5432, database test, own schema; skipped with a line when absent).
 */
class JourneyCorrelationBenchmark {
    /** Journeys per round; bare Camunda and Baton take turns. */
    private static final int ROUND = 250;
    /** Signals per transaction of the journeys consumer with a backlog (JourneyConsumer.TRANSACTION). */
    private static final int POLL = 50;
    /** Journeys measured on each side: whole rounds, at least one. */
    private static final int INSTANCES = Math.max(1, Integer.getInteger("baton.bench.instances", 2_000) / ROUND) * ROUND;
    /** Camunda's history level for both (application.yml's {@code camunda.bpm.history-level}, full, unless told). */
    private static final String HISTORY = System.getProperty("baton.bench.history", "full");
    private static final String PROCESS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
              <bpmn:message id="share" name="Share Clicked" />
              <bpmn:message id="form" name="Form Submitted" />
              <bpmn:process id="bench-journey" isExecutable="true" camunda:historyTimeToLive="1">
                <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="share" /></bpmn:startEvent>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
                <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="form" /></bpmn:intermediateCatchEvent>
                <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
                <bpmn:endEvent id="end" />
              </bpmn:process>
            </bpmn:definitions>""";

    @Test
    void journeyCorrelationBesideBareCamundaOnH2AndPostgreSql() throws Exception {
        System.out.printf("%nJourney correlation benchmark (%,d journeys: start on Share Clicked, advance on Form Submitted;"
                + " history level %s)%n", INSTANCES, HISTORY);
        run("H2", pool("jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa"));
        String schema = "baton_bench_" + Long.toHexString(System.nanoTime());
        String url = "jdbc:postgresql://127.0.0.1:5432/test";
        try (Connection connection = DriverManager.getConnection(url, System.getProperty("baton.bench.pg-user", "postgres"), "")) {
            connection.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            System.out.println("  PostgreSQL: not reachable at " + url + " (" + e.getMessage() + "): skipped");
            return;
        }
        try {
            run("PostgreSQL", pool(url + "?currentSchema=" + schema, System.getProperty("baton.bench.pg-user", "postgres")));
        } finally {
            try (Connection connection = DriverManager.getConnection(url, System.getProperty("baton.bench.pg-user", "postgres"), "")) {
                connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** A connection pool, as the engine has (Hikari, from Spring Boot's JDBC starter). */
    private static com.zaxxer.hikari.HikariDataSource pool(String url, String user) {
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setMaximumPoolSize(4);
        return pool;
    }

    private static void run(String database, com.zaxxer.hikari.HikariDataSource dataSource) {
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        SpringProcessEngineConfiguration configuration = new SpringProcessEngineConfiguration();
        configuration.setDataSource(dataSource);
        configuration.setTransactionManager(transactions);
        configuration.setDatabaseSchemaUpdate("true");
        configuration.setJobExecutorActivate(false);
        configuration.setHistory(HISTORY);
        configuration.setProcessEngineName("bench-" + database);
        var context = new org.springframework.context.support.GenericApplicationContext();
        context.refresh();
        configuration.setApplicationContext(context);
        ProcessEngine engine = configuration.buildProcessEngine();
        try {
            engine.getRepositoryService().createDeployment().addString("bench.bpmn", PROCESS).deploy();
            dev.baton.engine.testing.BatonSchema.migrate(dataSource);
            JourneyCorrelator correlator = new JourneyCorrelator(engine.getRuntimeService(), engine.getRepositoryService(),
                    new JdbcTemplate(dataSource), new TransactionTemplate(transactions), configuration,
                    dev.baton.engine.journeys.JourneySettings.DEFAULTS, new com.fasterxml.jackson.databind.ObjectMapper()
                            .findAndRegisterModules(), java.time.Clock.systemUTC());
            // Warm-up of both paths, then rounds in alternation, so that both meet the same tables
            // (they grow) and the same moments of the machine; the rates are over all rounds.
            bare(engine, "warm-bare-", 200);
            baton(correlator, "warm-baton-", 200);
            polled(correlator, "warm-polled-", 200);
            long bareNanos = 0;
            long batonNanos = 0;
            long polledNanos = 0;
            for (int round = 0; round < INSTANCES / ROUND; round++) {
                bareNanos += bare(engine, "bare-" + round + "-", ROUND);
                batonNanos += baton(correlator, "baton-" + round + "-", ROUND);
                polledNanos += polled(correlator, "polled-" + round + "-", ROUND);
            }
            double bare = INSTANCES / (bareNanos / 1e9);
            double baton = INSTANCES / (batonNanos / 1e9);
            double polled = INSTANCES / (polledNanos / 1e9);
            long ended = engine.getHistoryService().createHistoricProcessInstanceQuery().finished().count();
            long expected = 3L * (INSTANCES + 200);
            if (ended != expected) {
                throw new AssertionError(database + ": " + ended + " journeys ended, expected " + expected);
            }
            System.out.printf("  %-10s bare Camunda: %,6.0f journeys/s   Baton, a signal per transaction: %,6.0f/s (ratio %.2f)"
                    + "   Baton, %d signals per transaction as its consumer takes a backlog: %,6.0f/s (ratio %.2f)%n",
                    database, bare, baton, baton / bare, POLL, polled, polled / bare);
        } finally {
            engine.close();
            dataSource.close();
        }
    }

    /** Nanoseconds for {@code count} journeys of bare Camunda. */
    private static long bare(ProcessEngine engine, String prefix, int count) {
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            engine.getRuntimeService().startProcessInstanceByMessage("Share Clicked", prefix + i);
            engine.getRuntimeService().createMessageCorrelation("Form Submitted").processInstanceBusinessKey(prefix + i).correlate();
        }
        return System.nanoTime() - started;
    }

    /**
     * Nanoseconds for {@code count} journeys through Baton's correlator as its Kafka consumer
     * drives it with a backlog: a poll of signals (each lead's click and form) in one transaction.
     */
    private static long polled(JourneyCorrelator correlator, String prefix, int count) {
        List<JourneySignal> signals = new java.util.ArrayList<>(2 * count);
        for (int i = 0; i < count; i++) {
            String lead = prefix + i;
            signals.add(new JourneySignal("s-" + lead, lead, List.of(), "Share Clicked", Map.of(), Instant.now()));
            signals.add(new JourneySignal("f-" + lead, lead, List.of(), "Form Submitted", Map.of(), Instant.now()));
        }
        long started = System.nanoTime();
        for (int from = 0; from < signals.size(); from += POLL) {
            correlator.correlateAll(signals.subList(from, Math.min(signals.size(), from + POLL)));
        }
        return System.nanoTime() - started;
    }

    /** Nanoseconds for {@code count} journeys through Baton's correlator, a signal per transaction. */
    private static long baton(JourneyCorrelator correlator, String prefix, int count) {
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String lead = prefix + i;
            correlator.correlate(new JourneySignal("s-" + lead, lead, List.of(), "Share Clicked", Map.of(), Instant.now()));
            correlator.correlate(new JourneySignal("f-" + lead, lead, List.of(), "Form Submitted", Map.of(), Instant.now()));
        }
        return System.nanoTime() - started;
    }
}
