package dev.baton.engine.testing;

import com.icegreen.greenmail.util.GreenMail;
import dev.baton.connectors.FakeProvider;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.baton.devservers.LocalServers;
import dev.baton.devservers.LocalServersProperties;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The real Elasticsearch and Kafka every integration test in this JVM shares, started once:
 * from Testcontainers where a Docker engine answers, otherwise by Baton's own local launcher
 * (baton-dev-servers; the machines this project builds on have no Docker). Tests isolate themselves by index
 * prefix and topic names, not by servers.
 */
public final class TestServers {
    private static final Logger log = LoggerFactory.getLogger(TestServers.class);
    private static LocalServers.Endpoints endpoints;
    private static ElasticsearchContainer elasticsearchContainer;
    private static KafkaContainer kafkaContainer;
    /** With Docker, the SMTP server still runs in this JVM (GreenMail is a real SMTP server). */
    private static GreenMail smtpBesideContainers;
    /** Twilio's Messages API as a local HTTP server (third-party SaaS: replaced in tests). */
    private static FakeProvider twilio;
    private static FakeProvider hubspot;

    private TestServers() {
    }

    public static synchronized LocalServers.Endpoints endpoints() {
        if (endpoints == null) {
            endpoints = dockerAnswers() ? containers() : local();
        }
        return endpoints;
    }

    /** Takes Elasticsearch away until the returned outage is closed (then waits until it is back). */
    public static synchronized AutoCloseable elasticsearchOutage() {
        endpoints();
        if (elasticsearchContainer != null) {
            var docker = elasticsearchContainer.getDockerClient();
            String id = elasticsearchContainer.getContainerId();
            docker.pauseContainerCmd(id).exec();
            return () -> docker.unpauseContainerCmd(id).exec();
        }
        LocalServers.stopElasticsearch();
        return LocalServers::restartElasticsearch;
    }

    /** Takes Kafka away until the returned outage is closed (then waits until it is back). */
    public static synchronized AutoCloseable kafkaOutage() {
        endpoints();
        if (kafkaContainer != null) {
            var docker = kafkaContainer.getDockerClient();
            String id = kafkaContainer.getContainerId();
            docker.pauseContainerCmd(id).exec();
            return () -> docker.unpauseContainerCmd(id).exec();
        }
        LocalServers.stopKafka();
        return LocalServers::restartKafka;
    }

    /** The local stand-in for Twilio every test in this JVM shares; by default it accepts every message. */
    private static final FakeProvider.Response TWILIO_ACCEPTS = FakeProvider.Response.of(201,
            "{\"sid\":\"SM{{unique}}\",\"status\":\"queued\"}");

    /** Twilio answers 503 to everything until the returned handle is closed. */
    public static AutoCloseable twilioOutage() {
        twilio().answerByDefault(FakeProvider.Response.of(503,
                "{\"code\":20500,\"message\":\"Service Unavailable\",\"status\":503}"));
        return () -> twilio().answerByDefault(TWILIO_ACCEPTS);
    }

    public static synchronized FakeProvider twilio() {
        if (twilio == null) {
            try {
                twilio = new FakeProvider().answerByDefault(TWILIO_ACCEPTS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return twilio;
    }

    /** The local stand-in for HubSpot's CRM API; by default it creates every task. */
    public static synchronized FakeProvider hubspot() {
        if (hubspot == null) {
            try {
                hubspot = new FakeProvider().answerByDefault(FakeProvider.Response.of(201, "{\"id\":\"83417590129\"}"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return hubspot;
    }

    /** Takes the SMTP server away until the returned outage is closed. */
    public static synchronized AutoCloseable smtpOutage() {
        endpoints();
        if (smtpBesideContainers != null) {
            smtpBesideContainers.stop();
            return smtpBesideContainers::start;
        }
        LocalServers.stopSmtp();
        return LocalServers::restartSmtp;
    }

    /** Every email the test SMTP server has received so far. */
    public static synchronized List<MimeMessage> receivedMail() {
        endpoints();
        return smtpBesideContainers != null ? List.of(smtpBesideContainers.getReceivedMessages()) : LocalServers.receivedMail();
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static LocalServers.Endpoints containers() {
        String esVersion = System.getProperty("baton.test.elasticsearch-version", "8.19.21");
        String kafkaVersion = System.getProperty("baton.test.kafka-version", "3.9.2");
        log.info("Docker answers: integration tests use Testcontainers (Elasticsearch {}, Kafka {})", esVersion, kafkaVersion);
        var elasticsearch = new ElasticsearchContainer("docker.elastic.co/elasticsearch/elasticsearch:" + esVersion)
                .withEnv("xpack.security.enabled", "false")
                .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        var kafka = new KafkaContainer("apache/kafka:" + kafkaVersion);
        elasticsearch.start();
        kafka.start();
        elasticsearchContainer = elasticsearch;
        kafkaContainer = kafka;
        smtpBesideContainers = new GreenMail(new com.icegreen.greenmail.util.ServerSetup[] {
                ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()});
        smtpBesideContainers.start();
        return new LocalServers.Endpoints("http://" + elasticsearch.getHttpHostAddress(), kafka.getBootstrapServers(),
                "127.0.0.1:" + smtpBesideContainers.getSmtp().getPort(), smtpBesideContainers.getImap().getPort());
    }

    private static LocalServers.Endpoints local() {
        // Unset: the distribution that baton-dev-servers' build fetched.
        String distribution = System.getProperty("baton.local.elasticsearch.distribution");
        Path workDir = Path.of(System.getProperty("baton.local.work-dir", "target/local-servers/test-run"));
        log.info("No Docker engine answers: integration tests use the local launcher (Elasticsearch {}, Kafka as its own"
                + " process), work dir {}", distribution, workDir);
        var properties = new LocalServersProperties(true, workDir, true,
                new LocalServersProperties.Elasticsearch(distribution == null ? null : Path.of(distribution), 0, "512m",
                        Duration.ofMinutes(3)),
                new LocalServersProperties.Kafka(0, "512m", Duration.ofMinutes(1)), new LocalServersProperties.Smtp(0));
        return LocalServers.startOnce(properties, true);
    }
}
