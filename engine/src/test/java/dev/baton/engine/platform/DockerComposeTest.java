package dev.baton.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on the build machines, so docker-compose.yml is checked against what
 * the engine reads: pinned image versions and every environment variable application.yml uses.
 */
class DockerComposeTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");
    private static Map<String, Object> services;
    private static String applicationYml;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readFiles() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("../docker-compose.yml"))) {
            services = (Map<String, Object>) new Yaml().<Map<String, Object>>load(reader).get("services");
        }
        // Only configuration counts, not the comments that explain it.
        applicationYml = Files.readAllLines(Path.of("src/main/resources/application.yml")).stream()
                .filter(line -> !line.strip().startsWith("#"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> engineEnvironment() {
        return (Map<String, Object>) service("engine").get("environment");
    }

    @Test
    void stackHasElasticsearchKibanaKafkaPostgresAndTheEngine() {
        assertThat(services).containsKeys("elasticsearch", "kibana", "kafka", "postgres", "engine");
        assertThat(service("engine")).containsKey("build");
    }

    @Test
    void imageVersionsMatchTheVersionsTheBuildPins() {
        String elasticsearch = System.getProperty("baton.test.elasticsearch-version");
        String kafka = System.getProperty("baton.test.kafka-version");
        assertThat(elasticsearch).as("set by the engine's surefire configuration").isNotBlank();
        assertThat(service("elasticsearch").get("image")).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:" + elasticsearch);
        assertThat(service("kibana").get("image")).isEqualTo("docker.elastic.co/kibana/kibana:" + elasticsearch);
        assertThat(service("kafka").get("image")).isEqualTo("apache/kafka:" + kafka);
    }

    @Test
    void engineGetsEveryVariableApplicationYmlReadsAndNoOther() {
        Set<String> read = new TreeSet<>();
        Matcher matcher = VARIABLE.matcher(applicationYml);
        while (matcher.find()) {
            read.add(matcher.group(1));
        }
        assertThat(read).isNotEmpty();
        assertThat(engineEnvironment().keySet()).containsExactlyInAnyOrderElementsOf(read);
    }

    @Test
    void engineUsesTheStackServersInsteadOfLocalOnes() {
        Map<String, Object> env = engineEnvironment();
        // The engine image carries no development servers (baton-dev-servers), so nothing to switch off.
        assertThat(env).doesNotContainKeys("BATON_LOCAL_ENABLED", "BATON_LOCAL_WORK_DIR");
        assertThat(env.get("BATON_DB_URL").toString()).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(env.get("BATON_ELASTICSEARCH_URIS")).isEqualTo("http://elasticsearch:9200");
        @SuppressWarnings("unchecked")
        Map<String, Object> kafkaEnv = (Map<String, Object>) service("kafka").get("environment");
        assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS").toString()).contains(env.get("BATON_KAFKA_BOOTSTRAP_SERVERS").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> dependsOn = (Map<String, Object>) service("engine").get("depends_on");
        assertThat(dependsOn).containsKeys("elasticsearch", "kafka", "postgres");
    }
}
