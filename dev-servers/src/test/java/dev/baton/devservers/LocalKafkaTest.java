package dev.baton.devservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker runs as a process of its own, and a development run adopts the one an earlier run
 * (whose engine was killed) left running, with its topics, instead of starting a second one.
 */
class LocalKafkaTest {
    private static final LocalServersProperties.Kafka ANY_PORT = new LocalServersProperties.Kafka(0, "256m", Duration.ofMinutes(1));

    @TempDir
    Path workDir;

    @Test
    void brokerRunsOutsideThisJvmAndTheNextRunAdoptsIt() throws Exception {
        LocalKafka firstRun = new LocalKafka(ANY_PORT, workDir, false, true);
        String bootstrap = firstRun.start();
        try {
            long broker = ServerState.read(workDir.resolve("kafka/kafka.state"), "kafka.Kafka").orElseThrow().pid();
            assertThat(broker).isNotEqualTo(ProcessHandle.current().pid());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            // The first run's engine dies without stopping anything; the next run finds the broker.
            LocalKafka nextRun = new LocalKafka(ANY_PORT, workDir, false, true);
            assertThat(nextRun.start()).isEqualTo(bootstrap);
            assertThat(ServerState.read(workDir.resolve("kafka/kafka.state"), "kafka.Kafka").orElseThrow().pid())
                    .isEqualTo(broker);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
            }

            nextRun.close();
            assertThat(ProcessHandle.of(broker).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            firstRun.close();
        }
    }

    @Test
    void aResetStopsWhatAnEarlierRunLeftAndStartsAfresh() {
        LocalKafka firstRun = new LocalKafka(ANY_PORT, workDir, true, false);
        firstRun.start();
        long earlier = ServerState.read(workDir.resolve("kafka/kafka.state"), "kafka.Kafka").orElseThrow().pid();
        LocalKafka testRun = new LocalKafka(ANY_PORT, workDir, true, false);
        try {
            testRun.start();
            assertThat(ProcessHandle.of(earlier).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(ServerState.read(workDir.resolve("kafka/kafka.state"), "kafka.Kafka").orElseThrow().pid())
                    .isNotEqualTo(earlier);
        } finally {
            testRun.close();
            firstRun.close();
        }
    }
}
