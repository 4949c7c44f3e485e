package dev.baton.engine.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests: a Testcontainers one where a Docker engine answers, otherwise the
 * server at {@code BATON_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test},
 * user {@code BATON_TEST_POSTGRES_USER}, default postgres, trust auth), which {@code .ci/run}
 * installs and starts on a machine that lacks it. Each caller gets its own schema.
 */
public final class TestPostgres {
    private static String baseUrl;
    private static String user;
    private static String password = "";

    private TestPostgres() {
    }

    public static synchronized String user() {
        server();
        return user;
    }

    public static synchronized String password() {
        server();
        return password;
    }

    /** A JDBC URL whose default schema is new and empty. */
    public static synchronized String freshSchema(String prefix) throws SQLException {
        String url = server();
        String schema = prefix + "_" + Long.toHexString(System.nanoTime());
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            connection.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops the schema a {@link #freshSchema} URL names, with everything in it. */
    public static synchronized void dropSchema(String url) throws SQLException {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection connection = DriverManager.getConnection(server(), user, password)) {
            connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @SuppressWarnings("resource") // the container lives as long as the test JVM
    private static String server() {
        if (baseUrl != null) {
            return baseUrl;
        }
        if (dockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
            container.start();
            baseUrl = container.getJdbcUrl();
            user = container.getUsername();
            password = container.getPassword();
            return baseUrl;
        }
        String url = System.getenv().getOrDefault("BATON_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String name = System.getenv().getOrDefault("BATON_TEST_POSTGRES_USER", "postgres");
        try (Connection ignored = DriverManager.getConnection(url, name, "")) {
            baseUrl = url;
            user = name;
            return baseUrl;
        } catch (SQLException e) {
            throw new IllegalStateException("This test needs PostgreSQL: no Docker engine answers, and " + url + " (user "
                    + name + ") refused: " + e.getMessage() + ". Run .ci/run (it installs and starts PostgreSQL) or set"
                    + " BATON_TEST_POSTGRES_URL.", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
