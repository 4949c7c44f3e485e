package dev.baton.engine.advocacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.Chromium;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.LandingSite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;

/**
 * The "missing JavaScript" signal end to end: a real browser (headless Chromium) follows a share
 * link to a landing page on another site that carries Baton's snippet, which reports the click;
 * a client that runs no JavaScript follows the same link and never does. Once the grace period is
 * over, only the browser's click is reach.
 */
class ShareClickJsTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final Pattern CLICK = Pattern.compile("[?&]bt_c=([^&#]+)");
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Autowired NoJsClicks noJs;
    @Autowired Clock clock;
    @Value("${baton.advocacy.js-grace}") Duration grace;
    private final HttpClient script = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private LandingSite landingSite;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (landingSite != null) {
            landingSite.close();
        }
    }

    @Test
    void clickThatNeverRanTheLandingPagesSnippetIsExcludedAsNoJsOnceTheGraceIsOver() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String landing = startLandingSite();
        put("/api/teams/west-" + run, "{\"name\":\"West\"}");
        put("/api/employees/erin-" + run, "{\"name\":\"Erin\",\"team\":\"west-" + run + "\"}");
        String campaign = "webinar-" + run;
        assertThat(post("/api/campaigns", """
                {"id":"%s","name":"Webinar","contents":[{"id":"signup","url":"%s/signup","tracked":true}]}"""
                .formatted(campaign, landing))).isEqualTo(HttpStatus.CREATED);
        var share = admin().postForEntity("/api/shares", jsonBody("{\"campaign\":\"%s\",\"content\":\"signup\",\"employee\":\"erin-%s\"}"
                .formatted(campaign, run)), JsonNode.class).getBody();
        String link = http.getRootUri() + "/s/" + share.path("code").asText();

        // A person: the browser lands on the page, whose snippet reports the click it came from.
        // As a person's Chromium says (headless Chromium calls itself HeadlessChrome, which Baton counts as a bot).
        browser = Chromium.start("--user-agent=" + BROWSER);
        browser.get(link);
        await().atMost(STEP).until(() -> browser.getTitle().equals("Sign up"));
        String personsClick = clickIn(browser.getCurrentUrl());
        // A script: follows the link, never runs the page.
        HttpResponse<Void> scripted = script.send(HttpRequest.newBuilder(URI.create(link)).header("User-Agent", BROWSER).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(scripted.statusCode()).isEqualTo(302);
        String scriptsClick = clickIn(scripted.headers().firstValue("Location").orElseThrow());
        // Someone whose browser blocks scripts, but who signs up: a form is proof enough.
        HttpResponse<Void> blocked = script.send(HttpRequest.newBuilder(URI.create(link)).header("User-Agent", BROWSER).build(),
                HttpResponse.BodyHandlers.discarding());
        String blockedVisitor = blocked.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("baton_aid="))
                .map(c -> c.substring("baton_aid=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        // A report no snippet would send (a click id far too long for a document id), just before the form on
        // the same partition: ignored, and the form behind it still counts.
        assertThat(track("/v1/page", """
                {"anonymousId":"%s","context":{"campaign":{"share":"x","click":"%s"}}}""".formatted(blockedVisitor, "f".repeat(600)))
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"signup"},
                 "context":{"traits":{"email":"noscript-%s@example.com"}}}""".formatted(blockedVisitor, run));

        // Until the grace is over, all three count; the page's report and the form are stored meanwhile.
        await().atMost(STEP).untilAsserted(() -> {
            assertThat(erin(run, campaign).path("reach").asLong()).isEqualTo(3);
            assertThat(reported(personsClick)).as("the page's snippet reported click %s", personsClick).isTrue();
            assertThat(getJson("/api/advocacy/employees/erin-" + run + "?campaign=" + campaign).path("figures").path("forms")
                    .asLong()).isEqualTo(1);
        });
        long pointsBefore = erin(run, campaign).path("points").asLong();

        NoJsClicks.Verdicts verdicts = noJs.judge(clock.instant().plus(grace).plusSeconds(1));

        assertThat(verdicts.excluded()).isGreaterThanOrEqualTo(1);
        JsonNode after = erin(run, campaign);
        assertThat(after.path("reach").asLong()).isEqualTo(2);
        assertThat(after.path("excluded").path("no-js").asLong()).isEqualTo(1);
        assertThat(after.path("points").asLong()).isLessThan(pointsBefore);
        assertThat(getJson("/api/advocacy/excluded?campaign=" + campaign).path("no-js").asLong()).isEqualTo(1);
        assertThat(clickDoc(scriptsClick).path("excluded").asText()).isEqualTo("no-js");
        assertThat(clickDoc(personsClick).path("counted").asBoolean()).isTrue();
        assertThat(clickDoc(personsClick).path("awaitingJs").asBoolean()).as("judged").isFalse();
    }

    /** Another site (another origin), whose pages carry Baton's snippet as the README says. */
    private String startLandingSite() throws Exception {
        landingSite = LandingSite.start().page("/", """
                <!doctype html><html><head><title>Sign up</title>
                <script src="%s/t.js" data-write-key="%s" async></script></head>
                <body><h1>Sign up for the webinar</h1></body></html>""".formatted(http.getRootUri(), WRITE_KEY));
        return landingSite.url();
    }

    private static String clickIn(String url) {
        Matcher click = CLICK.matcher(url);
        assertThat(click.find()).as("bt_c in %s", url).isTrue();
        return click.group(1);
    }

    private boolean reported(String click) throws Exception {
        return elasticsearch.exists(e -> e.index(indices.shareJs()).id(click)).value();
    }

    private JsonNode clickDoc(String click) throws Exception {
        return elasticsearch.get(g -> g.index(indices.shareClicks()).id(click), JsonNode.class).source();
    }

    private JsonNode erin(String run, String campaign) throws Exception {
        return getJson("/api/advocacy/employees/erin-" + run + "?campaign=" + campaign).path("figures");
    }

    private void put(String path, String body) {
        admin().put(path, jsonBody(body));
    }

    private HttpStatus post(String path, String body) {
        return HttpStatus.valueOf(admin().postForEntity(path, jsonBody(body), String.class).getStatusCode().value());
    }
}
