package dev.baton.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * An operator scrapes /actuator/prometheus (admin login) and watches the Grafana dashboard the
 * compose stack provisions: every metric a panel queries is one Baton exports.
 */
class MetricsTest extends IntegrationTest {
    private static final Path DASHBOARD = Path.of("../dashboards/grafana/dashboards/baton.json");
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "rate", "irate", "increase", "max", "min", "avg", "count",
            "histogram_quantile", "by", "without", "on", "ignoring");

    @Test
    void prometheusEndpointNeedsTheAdminLogin() {
        assertThat(http.getForEntity("/actuator/prometheus", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        String user = "metrics-" + UUID.randomUUID();
        track("{\"type\":\"track\",\"userId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}".formatted(user));
        await().atMost(Duration.ofSeconds(60)).until(() -> counted(scrape(), "baton_pipeline_events_total") > 0
                && scrape().contains("kafka_consumer_fetch_manager_records_lag_max"));
        String scrape = scrape();
        assertThat(counted(scrape, "baton_events_accepted_total")).isPositive();
        assertThat(scrape).contains("baton_scoring_seconds_count", "baton_sends_total{channel=\"email\",outcome=\"sent\"",
                "baton_journeys_signals_total{outcome=\"kept\"", "baton_share_clicks_total", "baton_journeys_incidents");

        Set<String> queried = new LinkedHashSet<>();
        for (JsonNode panel : new ObjectMapper().readTree(Files.readString(DASHBOARD)).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queried.addAll(metricsIn(target.path("expr").asText()));
            }
        }
        assertThat(queried).as("metrics the dashboard queries").isNotEmpty();
        for (String metric : queried) {
            assertThat(Pattern.compile("(?m)^" + Pattern.quote(metric) + "[{ ]").matcher(scrape).find())
                    .as("Baton exports " + metric + ", which the dashboard queries").isTrue();
        }
    }

    /** The metric names in a PromQL expression: label matchers, ranges, grouping labels and functions taken out. */
    static Set<String> metricsIn(String expr) {
        String bare = expr.replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", "");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifiers = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(bare);
        while (identifiers.find()) {
            if (!PROMQL_WORDS.contains(identifiers.group())) {
                names.add(identifiers.group());
            }
        }
        return names;
    }

    private String scrape() {
        var response = admin().getForEntity("/actuator/prometheus", String.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return response.getBody();
    }

    /** The sum of a metric's series in a scrape. */
    private static double counted(String scrape, String metric) {
        double sum = 0;
        Matcher lines = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        while (lines.find()) {
            sum += Double.parseDouble(lines.group(2));
        }
        return sum;
    }
}
