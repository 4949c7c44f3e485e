package dev.baton.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/** What an operator sees of a running engine: health, the deployed demo journey, API docs, logins. */
class PlatformTest extends IntegrationTest {
    @Autowired ObjectMapper json;
    @Autowired org.springframework.context.ConfigurableApplicationContext context;

    @Test
    void healthReportsElasticsearchKafkaAndDatabaseUpWithoutDetailsForAnonymousCallers() throws Exception {
        JsonNode health = json.readTree(http.getForEntity("/actuator/health", String.class).getBody());

        assertThat(health.path("status").asText()).isEqualTo("UP");
        for (String component : new String[] {"elasticsearch", "kafka", "db"}) {
            assertThat(health.path("components").path(component).path("status").asText()).as(component).isEqualTo("UP");
            assertThat(health.path("components").path(component).has("details")).as(component).isFalse();
        }
    }

    @Test
    void healthShowsDetailsToTheAdmin() throws Exception {
        JsonNode health = json.readTree(admin().getForEntity("/actuator/health", String.class).getBody());

        assertThat(health.path("components").path("kafka").path("details").path("brokers").asInt()).isPositive();
        JsonNode lag = health.path("components").path("kafka").path("details").path("consumerLag");
        assertThat(lag.isObject()).as("consumer lag per group: " + lag).isTrue();
        assertThat(lag.size()).as("events, journey signals and audience sends groups").isEqualTo(3);
        lag.forEach(behind -> assertThat(behind.isNumber()).as(lag.toString()).isTrue());
        assertThat(health.path("components").path("elasticsearch").path("details").path("number_of_nodes").asInt()).isPositive();
    }

    @Test
    void journeyLibraryIsDeployedAtBootAndEngineRestNeedsALogin() throws Exception {
        String definitions = "/engine-rest/process-definition?latestVersion=true&keyLike=baton-%";
        assertThat(http.getForEntity(definitions, String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

        JsonNode deployed = json.readTree(admin().getForEntity(definitions, String.class).getBody());
        assertThat(deployed.findValuesAsText("key"))
                .contains("baton-share-to-lead", "baton-nurture", "baton-sales-handoff");
    }

    @Test
    void openApiDescribesTheTrackingAndLeadEndpoints() throws Exception {
        JsonNode api = json.readTree(http.getForEntity("/v3/api-docs", String.class).getBody());

        assertThat(api.path("paths").has("/v1/batch")).isTrue();
        assertThat(api.path("paths").has("/api/leads/{id}")).isTrue();
        assertThat(api.path("paths").has("/api/journeys")).isTrue();
        assertThat(api.path("paths").has("/api/rulesets/rescore")).isTrue();
        assertThat(api.path("paths").has("/e/u/{token}")).isTrue();
        assertThat(api.path("paths").has("/sms/twilio/inbound")).isTrue();
        assertThat(api.path("paths").fieldNames()).toIterable().anyMatch(p -> p.startsWith("/v1/{type"));
    }

    @Test
    void consoleOpensForAnyoneButItsFiguresNeedTheAdminLogin() {
        assertThat(http.getForEntity("/console/", String.class).getBody()).contains("Baton", "app.js");
        var headers = new org.springframework.http.HttpHeaders();
        headers.set("X-Requested-With", "XMLHttpRequest"); // as the console's fetch calls
        var figures = http.exchange("/api/funnel", org.springframework.http.HttpMethod.GET,
                new org.springframework.http.HttpEntity<>(headers), String.class);
        assertThat(figures.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(figures.getHeaders().containsKey("WWW-Authenticate")).as("no browser login box: the console asks").isFalse();
        assertThat(admin().getForEntity("/api/funnel", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void beansOnBatonsTablesAreMadeOnlyAfterTheMigrationsRan() {
        var beans = context.getBeanFactory();
        // The JdbcTemplate the correlator, the outbox and the SMS rate limit use; Spring Boot orders it.
        assertThat(beans.getDependenciesForBean("jdbcTemplate")).contains("flywayInitializer");
        // Assignments takes the DataSource itself, so it says so (@DependsOnDatabaseInitialization).
        assertThat(beans.getDependenciesForBean("assignments")).contains("flywayInitializer");
    }
}
