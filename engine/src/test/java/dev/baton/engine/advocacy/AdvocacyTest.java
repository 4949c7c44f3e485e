package dev.baton.engine.advocacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.baton.engine.identity.ShareClickIds;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Employee advocacy over real Kafka and Elasticsearch: share links and re-share chains, who
 * brought whom, reach and points that the sharer's own clicks and crawlers cannot inflate, and
 * links nobody can forge.
 */
class AdvocacyTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;
    @Autowired ShareClickIds clickIds;
    @Autowired org.camunda.bpm.engine.HistoryService history;
    @Value("${baton.advocacy.click-join-window}") Duration joinWindow;
    private String run;
    private String campaign;

    @BeforeEach
    void teamsEmployeesAndACampaign() {
        run = UUID.randomUUID().toString().substring(0, 8);
        campaign = "spring-launch-" + run;
        put("/api/teams/north-" + run, "{\"name\":\"North\",\"manager\":\"mia-" + run + "\"}");
        put("/api/teams/south-" + run, "{\"name\":\"South\",\"manager\":\"sam-" + run + "\"}");
        assertThat(postCsv("/api/employees/import", """
                id,name,email,team
                alice-%1$s,Alice Liddell,alice-%1$s@acme.example,north-%1$s
                dan-%1$s,Dan Brown,dan-%1$s@acme.example,south-%1$s
                """.formatted(run)).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(postJson("/api/campaigns", """
                {"id":"%s","name":"Spring launch","teams":[],
                 "contents":[{"id":"guide","kind":"landing-page","title":"The guide","url":"https://www.example.com/guide",
                              "shareTexts":{"linkedin":"Worth a read","wechat":"推荐阅读"}}]}""".formatted(campaign))
                .getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    @Test
    void aliceSharesBobReSharesCarolSubmitsAFormAndReachAttributionAndTheTeamLeaderboardFollowTheChain() throws Exception {
        String alice = shareAs("alice-" + run).path("code").asText();
        Visitor bob = new Visitor();
        HttpResponse<String> landed = bob.click(alice, BROWSER);
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(landed.headers().firstValue("Location").orElseThrow())
                .startsWith("https://www.example.com/guide?utm_source=baton").contains("utm_campaign=" + campaign, "bt_s=" + alice);
        String bobsLink = bob.reshare(alice, "Bob");
        Visitor carol = new Visitor();
        assertThat(carol.click(bobsLink, BROWSER).statusCode()).isEqualTo(302);
        String carolEmail = "carol-" + run + "@example.com";
        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"guide"},
                 "context":{"traits":{"email":"%s","firstName":"Carol"}}}""".formatted(carol.id, carolEmail));
        String dans = shareAs("dan-" + run).path("code").asText();
        new Visitor().click(dans, BROWSER);

        await().atMost(STEP).untilAsserted(() -> {
            assertThat(employee("alice-" + run).path("reach").asLong()).as("Alice's reach").isEqualTo(2);
            assertThat(employee("alice-" + run).path("forms").asLong()).as("forms Alice brought").isEqualTo(1);
            assertThat(employee("dan-" + run).path("reach").asLong()).as("Dan's reach").isEqualTo(1);
        });
        JsonNode aliceFigures = employee("alice-" + run);
        assertThat(aliceFigures.path("maxDepth").asInt()).isEqualTo(2);
        assertThat(aliceFigures.path("directReach").asLong()).isEqualTo(1);
        assertThat(aliceFigures.path("chainReach").asLong()).isEqualTo(1);
        JsonNode bobsReach = getJson("/api/shares/" + bobsLink + "/reach");
        assertThat(bobsReach.path("reach").asLong()).isEqualTo(1);
        assertThat(getJson("/api/shares/" + alice + "/reach").path("reach").asLong()).isEqualTo(2);

        JsonNode carolLead = awaitLead(carolEmail, lead -> lead.path("attribution").has("broughtBy"));
        assertThat(carolLead.path("attribution").path("broughtBy").asText()).isEqualTo("brought by Alice Liddell via Bob's re-share");
        assertThat(carolLead.path("attribution").path("firstTouch").path("rootEmployee").asText()).isEqualTo("alice-" + run);
        assertThat(carolLead.path("attribution").path("chain").findValuesAsText("share")).containsExactly(alice, bobsLink);
        await().atMost(STEP).untilAsserted(() -> assertThat(employee("alice-" + run).path("leads").asLong())
                .as("leads Alice brought: %s; lead %s", employee("alice-" + run), getJson("/api/leads/" + carolEmail)).isEqualTo(1));

        // The campaign's totals: three visitors (Bob, Carol, Dan's), three links (Alice's, Bob's re-share, Dan's).
        JsonNode totals = getJson("/api/advocacy/campaigns/" + campaign);
        assertThat(totals.path("reach").asLong()).isEqualTo(3);
        assertThat(totals.path("maxDepth").asInt()).isEqualTo(2);
        assertThat(totals.path("shares").asLong()).isEqualTo(3);
        assertThat(totals.path("sharers").asLong()).isEqualTo(2);
        assertThat(totals.path("forms").asLong()).isEqualTo(1);
        assertThat(totals.path("leads").asLong()).isEqualTo(1);
        assertThat(admin().getForEntity("/api/advocacy/campaigns/no-such-" + run, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);

        JsonNode board = getJson("/api/advocacy/leaderboard?campaign=" + campaign);
        assertThat(board.get(0).path("employee").asText()).isEqualTo("alice-" + run);
        assertThat(board.get(0).path("points").asLong()).isGreaterThan(board.get(1).path("points").asLong());
        JsonNode teams = getJson("/api/advocacy/teams?campaign=" + campaign);
        JsonNode north = find(teams, "team", "north-" + run);
        JsonNode south = find(teams, "team", "south-" + run);
        assertThat(north.path("rank").asInt()).isLessThan(south.path("rank").asInt());
        assertThat(north.path("leads").asLong()).isEqualTo(1);
        assertThat(north.path("reach").asLong()).isEqualTo(2);

        // Sales converts Carol: a result of the team, shown per team and never per person.
        track("{\"anonymousId\":\"%s\",\"event\":\"Sales Converted\"}".formatted(carol.id));
        await().atMost(STEP).untilAsserted(() -> assertThat(find(getJson("/api/advocacy/teams?campaign=" + campaign), "team",
                "north-" + run).path("conversions").asLong()).isEqualTo(1));
        assertThat(find(getJson("/api/advocacy/teams?campaign=" + campaign), "team", "south-" + run).path("conversions").asLong())
                .isZero();
        assertThat(employee("alice-" + run).has("conversions")).as("no per-person result").isFalse();
    }

    @Test
    void figuresStayExactPastTenThousandVisitorsAndAPersonCountsOnceWhateverDevicesOrSharersBroughtIt() throws Exception {
        // What ten thousand visitors leave behind, written straight to the stores: who brought each
        // (attribution, as the share consumer writes it) and, for three, the people they became.
        // Every thousandth came through Dan's re-share of Alice's link: both brought them.
        int visitors = 10_050;
        int throughDan = 0;
        String at = java.time.Instant.now().toString();
        var attribution = new co.elastic.clients.elasticsearch.core.BulkRequest.Builder()
                .refresh(co.elastic.clients.elasticsearch._types.Refresh.WaitFor);
        int forms = 0;
        for (int i = 0; i < visitors; i++) {
            boolean form = i % 50 != 1;
            boolean dan = i % 1000 == 3;
            forms += form ? 1 : 0;
            throughDan += dan ? 1 : 0;
            Map<String, Object> touch = Map.of("share", "s-" + run, "campaign", campaign, "sharer", "alice-" + run,
                    "rootEmployee", "alice-" + run, "chainSharers",
                    dan ? java.util.List.of("alice-" + run, "dan-" + run) : java.util.List.of("alice-" + run), "depth", 1, "at", at);
            String visitor = visitorAt(i);
            attribution.operations(o -> o.index(x -> x.index(indices.attribution()).id(visitor)
                    .document(Map.of("visitor", visitor, "firstTouch", touch, "lastTouch", touch, "formSubmitted", form))));
        }
        assertThat(elasticsearch.bulk(attribution.build()).errors()).isFalse();
        // One person on two devices whose ids fall on different pages; one engaged lead; one who never filled a form.
        var people = new co.elastic.clients.elasticsearch.core.BulkRequest.Builder()
                .refresh(co.elastic.clients.elasticsearch._types.Refresh.WaitFor);
        for (Map<String, Object> lead : java.util.List.<Map<String, Object>>of(
                Map.of("id", "ld-two-devices-" + run, "anonymousIds", java.util.List.of(visitorAt(0), visitorAt(7000)),
                        "tier", "hot", "tags", java.util.List.of("customer"), "eventCount", 12),
                Map.of("id", "ld-engaged-" + run, "anonymousIds", java.util.List.of(visitorAt(2)), "tier", "warm",
                        "tags", java.util.List.of(), "eventCount", 4),
                Map.of("id", "ld-no-form-" + run, "anonymousIds", java.util.List.of(visitorAt(1)), "tier", "hot",
                        "tags", java.util.List.of(), "eventCount", 30))) {
            people.operations(o -> o.index(x -> x.index(indices.leads()).id((String) lead.get("id")).document(lead)));
        }
        assertThat(elasticsearch.bulk(people.build()).errors()).isFalse();
        try {
            assertFiguresOfTenThousand(visitors, forms, throughDan);
        } finally {
            // Profiles with no events behind them: no other test (a rescore replays events) may meet them.
            for (String lead : java.util.List.of("ld-two-devices-", "ld-engaged-", "ld-no-form-")) {
                elasticsearch.delete(d -> d.index(indices.leads()).id(lead + run)
                        .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
            }
        }
    }

    private void assertFiguresOfTenThousand(int visitors, int forms, int throughDan) throws Exception {
        JsonNode figures = employee("alice-" + run);
        assertThat(figures.path("forms").asLong()).isEqualTo(forms);
        assertThat(figures.path("leads").asLong()).as("people who filled a form, the one on two devices once").isEqualTo(2);
        assertThat(figures.path("hotLeads").asLong()).isEqualTo(1);
        JsonNode engagement = figures.path("engagement");
        assertThat(engagement.path("heavy").asLong()).as("%s", figures).isEqualTo(2);
        assertThat(engagement.path("medium").asLong()).isEqualTo(1);
        assertThat(engagement.path("light").asLong()).as("everyone else, each visitor a person").isEqualTo(visitors - 4);
        assertThat(employee("dan-" + run).path("forms").asLong()).isEqualTo(throughDan);
        JsonNode totals = getJson("/api/advocacy/campaigns/" + campaign);
        assertThat(totals.path("forms").asLong()).as("each form once, though two employees brought some").isEqualTo(forms);
        assertThat(totals.path("leads").asLong()).isEqualTo(2);
        assertThat(totals.path("conversions").asLong()).isEqualTo(1);
        JsonNode engaged = totals.path("engagement");
        assertThat(engaged.path("light").asLong() + engaged.path("medium").asLong() + engaged.path("heavy").asLong())
                .as("people, each once").isEqualTo(visitors - 1);
        JsonNode teams = getJson("/api/advocacy/teams?campaign=" + campaign);
        assertThat(find(teams, "team", "north-" + run).path("leads").asLong()).isEqualTo(2);
        assertThat(find(teams, "team", "north-" + run).path("forms").asLong()).isEqualTo(forms);
        assertThat(find(teams, "team", "south-" + run).path("forms").asLong()).isEqualTo(throughDan);
    }

    private String visitorAt(int i) {
        return "scale-%s-%05d".formatted(run, i);
    }

    @Test
    void sharersOwnClicksAndACrawlerChangeNeitherReachNorPointsAndShowAsExcluded() throws Exception {
        Visitor alice = new Visitor();
        String link = alice.shareAs("alice-" + run);
        new Visitor().click(link, BROWSER);
        // Figures settle once the link and the click are both searchable.
        await().atMost(STEP).until(() -> employee("alice-" + run).path("reach").asLong() == 1
                && employee("alice-" + run).path("shares").asLong() == 1);
        long points = employee("alice-" + run).path("points").asLong();

        for (int i = 0; i < 50; i++) {
            assertThat(alice.click(link, BROWSER).statusCode()).isEqualTo(302);
        }
        Visitor crawler = new Visitor();
        for (int i = 0; i < 100; i++) {
            assertThat(crawler.click(link, GOOGLEBOT).statusCode()).isEqualTo(302);
        }

        await().atMost(STEP).until(() -> employee("alice-" + run).path("excluded").path("self").asLong() == 50
                && employee("alice-" + run).path("excluded").path("bot").asLong() == 100);
        JsonNode after = employee("alice-" + run);
        assertThat(after.path("reach").asLong()).isEqualTo(1);
        assertThat(after.path("clicks").asLong()).isEqualTo(1);
        assertThat(after.path("points").asLong()).isEqualTo(points);
        assertThat(getJson("/api/advocacy/excluded?campaign=" + campaign).path("bot").asLong()).isEqualTo(100);
    }

    @Test
    void aBurstFromOneAddressIsCutExactlyAtTheLimitThoughItsVisitorsAreCountedOnDifferentPartitions() throws Exception {
        String link = new Visitor().shareAs("dan-" + run);
        // 35 new visitors within a minute, all from this test's address (the limit is 30 a minute per link and address).
        for (int i = 0; i < 35; i++) {
            assertThat(new Visitor().click(link, BROWSER).statusCode()).isEqualTo(302);
        }
        // Then 5 through our load balancer (a private address), each from its own address on the internet.
        for (int i = 0; i < 5; i++) {
            assertThat(new Visitor().click(link, BROWSER, "203.0.113." + (10 + i)).statusCode()).isEqualTo(302);
        }
        // And one whose forwarded "address" is no address at all: recorded without one, nothing held up.
        assertThat(new Visitor().click(link, BROWSER, "x".repeat(2000)).statusCode()).isEqualTo(302);

        await().atMost(STEP).untilAsserted(() -> {
            JsonNode dan = employee("dan-" + run);
            assertThat(dan.path("excluded").path("burst").asLong()).isEqualTo(5);
            assertThat(dan.path("reach").asLong()).isEqualTo(36);
        });
        elasticsearch.indices().refresh(r -> r.index(indices.shareClicks()));
        assertThat(elasticsearch.count(c -> c.index(indices.shareClicks()).query(q -> q.bool(b -> b
                .filter(f -> f.term(t -> t.field("code").value(link)))
                .filter(f -> f.prefix(x -> x.field("ip").value("203.0.113.")))))).count())
                .as("clicks recorded with the forwarded address").isEqualTo(5);
    }

    @Test
    void employeeLogsInToMakeALinkAndSeeOnlyTheirOwnReachAndPoints() throws Exception {
        String alice = "alice-" + run;
        assertThat(admin().exchange("/api/employees/" + alice + "/login", org.springframework.http.HttpMethod.PUT,
                jsonBody("{\"password\":\"short\"}"), String.class).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(admin().exchange("/api/employees/" + alice + "/login", org.springframework.http.HttpMethod.PUT,
                jsonBody("{\"password\":\"alice-long-password\"}"), String.class).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        var asAlice = http.withBasicAuth(alice, "alice-long-password");

        assertThat(asAlice.getForObject("/api/me", String.class)).contains("\"employee\":true", "\"admin\":false");
        ResponseEntity<String> made = asAlice.postForEntity("/api/me/shares",
                jsonBody("{\"campaign\":\"%s\",\"content\":\"guide\"}".formatted(campaign)), String.class);
        assertThat(made.getStatusCode()).as(made.getBody()).isEqualTo(HttpStatus.CREATED);
        String code = json.readTree(made.getBody()).path("code").asText();
        new Visitor().click(code, BROWSER);

        // The click and the link are searchable each on its index's own refresh: both are awaited.
        await().atMost(STEP).untilAsserted(() -> assertThat(json.readTree(asAlice.getForObject("/api/me/advocacy?campaign="
                + campaign, String.class)).path("figures").path("reach").asLong()).isEqualTo(1));
        await().atMost(STEP).untilAsserted(() -> assertThat(json.readTree(asAlice.getForObject("/api/me/advocacy", String.class))
                .path("links").findValuesAsText("code")).contains(code));
        JsonNode mine = json.readTree(asAlice.getForObject("/api/me/advocacy", String.class));
        assertThat(mine.path("figures").path("employee").asText()).isEqualTo(alice);
        assertThat(asAlice.getForEntity("/api/advocacy/leaderboard", String.class).getStatusCode())
                .as("the leaderboard of everyone is for admins").isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(asAlice.getForEntity("/api/leads", String.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(http.withBasicAuth(alice, "wrong-password-here").getForEntity("/api/me", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void forgedOrAlteredShareCodeIsNotFoundAndRecordsNothing() throws Exception {
        String genuine = shareAs("alice-" + run).path("code").asText();
        String altered = genuine.substring(0, genuine.length() - 1) + (genuine.endsWith("A") ? "B" : "A");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[15]);
        Visitor visitor = new Visitor();

        assertThat(visitor.click(altered, BROWSER).statusCode()).isEqualTo(404);
        assertThat(visitor.click(forged, BROWSER).statusCode()).isEqualTo(404);
        assertThat(visitor.click("nonsense", BROWSER).statusCode()).isEqualTo(404);
        assertThat(visitor.click(genuine, BROWSER).statusCode()).isEqualTo(302);

        // The visitor's clicks are processed in order: once the genuine one is counted, nothing else came.
        await().atMost(STEP).until(() -> clicksBy(visitor.id) == 1);
        assertThat(getJson("/api/shares/" + genuine + "/reach").path("clicks").asLong()).isEqualTo(1);
    }

    @Test
    void shareLinkComesWithAQrCodeOfItself() throws Exception {
        JsonNode link = shareAs("alice-" + run);

        HttpResponse<byte[]> png = browser.send(HttpRequest.newBuilder(URI.create(link.path("qrCode").asText()
                .replace("http://localhost:8080", http.getRootUri()))).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(png.statusCode()).isEqualTo(200);
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        var decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))));
        assertThat(decoded.getText()).isEqualTo(link.path("url").asText()).endsWith("/s/" + link.path("code").asText());
        assertThat(link.path("shareTexts").path("wechat").asText()).isEqualTo("推荐阅读");
    }

    @Test
    void campaignWithABadContentAddressAndACsvWithAnUnknownTeamAreRefusedSayingWhere() throws Exception {
        ResponseEntity<String> campaignRefused = postJson("/api/campaigns", """
                {"name":"Broken","contents":[{"id":"a","url":"https://ok.example.com"},{"id":"b","url":"javascript:alert(1)"}]}""");
        assertThat(campaignRefused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(campaignRefused.getBody()).path("field").asText()).isEqualTo("contents[1].url");

        ResponseEntity<String> csvRefused = postCsv("/api/employees/import", """
                id,name,email,team
                eve-%1$s,Eve,eve@acme.example,north-%1$s
                zed-%1$s,Zed,zed@acme.example,nowhere-%1$s
                """.formatted(run));
        assertThat(csvRefused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(csvRefused.getBody()).contains("line 3", "nowhere-" + run);
        assertThat(getJson("/api/employees?team=north-" + run).findValuesAsText("id")).doesNotContain("eve-" + run);
    }

    @Test
    void csvImportsKeepQuotedCommasAndQuotesInTheirCellAndRefuseAnUnclosedQuoteNamingItsLine() throws Exception {
        assertThat(postCsv("/api/teams/import", """
                id,name,manager
                acme-%1$s,"Acme, Inc.",mia-%1$s
                """.formatted(run)).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<String> imported = postCsv("/api/employees/import", """
                id,name,email,team
                kim-%1$s,"Kim, Jr.",kim-%1$s@acme.example,acme-%1$s
                ray-%1$s,"Ray ""Sunny"" Day",ray-%1$s@acme.example,acme-%1$s
                """.formatted(run));
        assertThat(imported.getStatusCode()).as(imported.getBody()).isEqualTo(HttpStatus.OK);

        assertThat(find(getJson("/api/teams"), "id", "acme-" + run).path("name").asText()).isEqualTo("Acme, Inc.");
        JsonNode acme = getJson("/api/employees?team=acme-" + run);
        assertThat(find(acme, "id", "kim-" + run).path("name").asText()).isEqualTo("Kim, Jr.");
        assertThat(find(acme, "id", "kim-" + run).path("email").asText()).isEqualTo("kim-" + run + "@acme.example");
        assertThat(find(acme, "id", "ray-" + run).path("name").asText()).isEqualTo("Ray \"Sunny\" Day");

        ResponseEntity<String> unclosed = postCsv("/api/employees/import", """
                id,name,email,team
                lou-%1$s,Lou,lou-%1$s@acme.example,acme-%1$s
                max-%1$s,"Max, Sr.,max-%1$s@acme.example,acme-%1$s
                ned-%1$s,Ned,ned-%1$s@acme.example,acme-%1$s
                """.formatted(run));
        assertThat(unclosed.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(unclosed.getBody()).path("detail").asText()).startsWith("line 3: ").containsIgnoringCase("quote");
        assertThat(getJson("/api/employees?team=acme-" + run).findValuesAsText("id")).doesNotContain("lou-" + run);
    }

    @Test
    void shareRequestsWithoutCampaignOrContentAreRefusedNamingTheMissingField() throws Exception {
        assertThat(admin().exchange("/api/employees/alice-" + run + "/login", org.springframework.http.HttpMethod.PUT,
                jsonBody("{\"password\":\"alice-long-password\"}"), String.class).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        var asAlice = http.withBasicAuth("alice-" + run, "alice-long-password");

        ResponseEntity<String> empty = asAlice.postForEntity("/api/me/shares", jsonBody("{}"), String.class);
        assertThat(empty.getStatusCode()).as(empty.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(empty.getBody()).path("field").asText()).isEqualTo("campaign");
        ResponseEntity<String> noContent = asAlice.postForEntity("/api/me/shares",
                jsonBody("{\"campaign\":\"%s\",\"content\":\" \"}".formatted(campaign)), String.class);
        assertThat(noContent.getStatusCode()).as(noContent.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(noContent.getBody()).path("field").asText()).isEqualTo("content");

        ResponseEntity<String> byAdmin = postJson("/api/shares", "{\"employee\":\"alice-%s\"}".formatted(run));
        assertThat(byAdmin.getStatusCode()).as(byAdmin.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(byAdmin.getBody()).path("field").asText()).isEqualTo("campaign");
        ResponseEntity<String> nothing = postJson("/api/shares", "{}");
        assertThat(nothing.getStatusCode()).as(nothing.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(nothing.getBody()).path("field").asText()).isEqualTo("employee");
    }

    @Test
    void opsChangeThePointRulesWhileTheEngineRunsAndABrokenVersionIsRefusedWithItsLine() throws Exception {
        String link = shareAs("alice-" + run).path("code").asText();
        new Visitor().click(link, BROWSER);
        // Figures settle once the link and the click are both searchable.
        await().atMost(STEP).until(() -> employee("alice-" + run).path("reach").asLong() == 1
                && employee("alice-" + run).path("shares").asLong() == 1);
        long before = employee("alice-" + run).path("points").asLong();

        ResponseEntity<String> broken = postJson("/api/advocacy/rules", json.writeValueAsString(java.util.Map.of("files",
                java.util.Map.of("points.drl", "package dev.baton.rules.advocacy;\nrule \"x\"\nwhen\n  Nonsense( )\nthen\nend\n"))));
        assertThat(broken.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(json.readTree(broken.getBody()).path("errors").get(0).path("line").asInt()).isEqualTo(4);
        assertThat(employee("alice-" + run).path("points").asLong()).isEqualTo(before);

        String doubled = getJson("/api/advocacy/rules").path("files").path("points.drl").asText()
                .replace("5 * $a.directReach()", "50 * $a.directReach()");
        ResponseEntity<String> uploaded = postJson("/api/advocacy/rules",
                json.writeValueAsString(java.util.Map.of("files", java.util.Map.of("points.drl", doubled))));
        try {
            assertThat(uploaded.getStatusCode()).as(uploaded.getBody()).isEqualTo(HttpStatus.CREATED);
            assertThat(employee("alice-" + run).path("points").asLong()).isEqualTo(before + 45);
        } finally {
            assertThat(postJson("/api/advocacy/rules/0/activate", "").getStatusCode()).isEqualTo(HttpStatus.OK);
        }
        assertThat(employee("alice-" + run).path("points").asLong()).isEqualTo(before);
    }

    @Test
    void landingPageOnAnotherDomainAttributesTheSignupToTheWholeChain() throws Exception {
        // README's example: the guide lives on www.example.com, whose own t.js knows visitors by an id of its own.
        String alice = shareAs("alice-" + run).path("code").asText();
        Visitor bob = new Visitor();
        bob.click(alice, BROWSER);
        String bobsLink = bob.reshare(alice, "Bob");
        Visitor clicker = new Visitor();
        Landing landing = new Landing(clicker.click(bobsLink, BROWSER));
        assertThat(landing.share).isEqualTo(bobsLink);
        String page = "page-" + UUID.randomUUID();
        String email = "paula-" + run + "@example.com";

        landing.reportFrom(page, null);
        submitForm(page, email);

        // The clicks and the page's events are keyed by different visitors, so they reach the
        // advocacy consumer through different partitions: every figure is awaited, none assumed settled.
        await().atMost(STEP).untilAsserted(() -> {
            JsonNode figures = employee("alice-" + run);
            assertThat(figures.path("forms").asLong()).as("forms Alice's chain brought: %s", figures).isEqualTo(1);
            assertThat(figures.path("leads").asLong()).as("leads Alice's chain brought: %s", figures).isEqualTo(1);
            assertThat(figures.path("reach").asLong()).as("Bob and the visitor; the page's id is no one new").isEqualTo(2);
            JsonNode engagement = figures.path("engagement");
            assertThat(engagement.path("light").asLong() + engagement.path("medium").asLong() + engagement.path("heavy").asLong())
                    .as("visitors brought: the clicking browser and its landing page are one").isEqualTo(2);
        });
        JsonNode onTheBoard = find(getJson("/api/advocacy/leaderboard?campaign=" + campaign), "employee", "alice-" + run);
        assertThat(onTheBoard.path("forms").asLong()).isEqualTo(1);
        assertThat(onTheBoard.path("leads").asLong()).isEqualTo(1);
        JsonNode lead = awaitLead(email, l -> l.path("attribution").has("broughtBy"));
        assertThat(lead.path("attribution").path("broughtBy").asText()).isEqualTo("brought by Alice Liddell via Bob's re-share");
        assertThat(clickReport(landing.click).path("visitor").asText()).as("the page confirmed the click").isEqualTo(page);
        // The click's browser (Baton's cookie) and the landing page's visitor are one lead, in one
        // journey: the click started share-to-lead, the page's form continued it, one welcome.
        JsonNode joined = awaitLead(email, l -> l.path("anonymousIds").size() == 2);
        assertThat(joined.path("anonymousIds")).extracting(JsonNode::asText).containsExactlyInAnyOrder(clicker.id, page);
        assertThat(getJson("/api/leads/" + clicker.id).path("id").asText()).isEqualTo(joined.path("id").asText());
        await().atMost(STEP).until(() -> mailTo(email).size() == 1);
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-share-to-lead")
                .processInstanceBusinessKey(joined.path("id").asText()).count()).as("one share-to-lead journey").isEqualTo(1);
    }

    @Test
    void replayedClickIdFromAnotherBrowserAttributesNobodyElse() throws Exception {
        Landing landing = new Landing(new Visitor().click(shareAs("alice-" + run).path("code").asText(), BROWSER));
        String page = "page-" + UUID.randomUUID();
        landing.reportFrom(page, null);
        await().atMost(STEP).until(() -> attribution(page) != null);

        String replayer = "page-" + UUID.randomUUID();
        landing.reportFrom(replayer, null);
        submitForm(replayer, "replayer-" + run + "@example.com");
        afterEverythingOf(replayer);

        assertThat(attribution(replayer).path("firstTouch").path("sharer").asText()).isEqualTo("dan-" + run);
        assertThat(employee("alice-" + run).path("forms").asLong()).isZero();
        assertThat(employee("alice-" + run).path("leads").asLong()).isZero();
        assertThat(clickReport(landing.click).path("visitor").asText()).as("the first report stays the page's").isEqualTo(page);
    }

    @Test
    void clickIdOutsideTheWindowJoinsNobody() throws Exception {
        Landing landing = new Landing(new Visitor().click(shareAs("alice-" + run).path("code").asText(), BROWSER));
        String page = "page-" + UUID.randomUUID();

        landing.reportFrom(page, java.time.Instant.now().plus(joinWindow).plusSeconds(60));
        submitForm(page, "late-" + run + "@example.com");
        afterEverythingOf(page);

        assertThat(attribution(page).path("firstTouch").path("sharer").asText()).isEqualTo("dan-" + run);
        assertThat(employee("alice-" + run).path("forms").asLong()).isZero();
    }

    @Test
    void forgedClickIdIsIgnored() throws Exception {
        Landing landing = new Landing(new Visitor().click(shareAs("alice-" + run).path("code").asText(), BROWSER));
        String clickingBrowser = clickIds.verify(landing.click).orElseThrow().visitorId();
        // Made with another secret, for the very browser that clicked, and marked genuine.
        String forged = new ShareClickIds("not-this-installations-secret", joinWindow)
                .issue(clickingBrowser, java.time.Instant.now(), true);
        String page = "page-" + UUID.randomUUID();

        new Landing(landing.share, forged).reportFrom(page, null);
        submitForm(page, "forger-" + run + "@example.com");
        afterEverythingOf(page);

        assertThat(attribution(page).path("firstTouch").path("sharer").asText()).isEqualTo("dan-" + run);
        assertThat(employee("alice-" + run).path("forms").asLong()).isZero();
        assertThat(clickReport(forged)).as("a forged click id is no report of a click").isNull();
    }

    // --- helpers ------------------------------------------------------------------------------

    /** A browser: keeps its cookies (visitor id, and the sharer cookie when it made a link). */
    private final class Visitor {
        final Map<String, String> cookies = new HashMap<>();
        String id;

        HttpResponse<String> click(String code, String userAgent) throws Exception {
            return click(code, userAgent, null);
        }

        /** @param forwardedFor the address a load balancer in front of Baton saw, or null for a direct click */
        HttpResponse<String> click(String code, String userAgent, String forwardedFor) throws Exception {
            HttpRequest.Builder request = request("/s/" + code).header("User-Agent", userAgent);
            if (forwardedFor != null) {
                request.header("X-Forwarded-For", forwardedFor);
            }
            HttpResponse<String> response = browser.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            keepCookies(response);
            return response;
        }

        String reshare(String code, String name) throws Exception {
            HttpResponse<String> response = browser.send(request("/s/" + code + "/reshare?name=" + name)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            keepCookies(response);
            return json.readTree(response.body()).path("code").asText();
        }

        /** The employee makes a link in this browser (the console does so with the admin API). */
        String shareAs(String employee) throws Exception {
            HttpResponse<String> response = browser.send(request("/api/shares")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"campaign\":\"%s\",\"content\":\"guide\",\"employee\":\"%s\"}"
                            .formatted(campaign, employee))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            keepCookies(response);
            return json.readTree(response.body()).path("code").asText();
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.getRootUri() + path));
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .toList()));
            }
            return request;
        }

        private void keepCookies(HttpResponse<?> response) {
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                String pair = cookie.split(";", 2)[0];
                cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            id = cookies.get("baton_aid");
        }
    }

    /** Where a share link's redirect led: the share ({@code bt_s}) and the click ({@code bt_c}) the page reports. */
    private final class Landing {
        final String share;
        final String click;

        Landing(HttpResponse<String> redirect) {
            assertThat(redirect.statusCode()).isEqualTo(302);
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            Map<String, String> query = new HashMap<>();
            for (String pair : location.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
            }
            this.share = query.get("bt_s");
            this.click = query.get("bt_c");
        }

        Landing(String share, String click) {
            this.share = share;
            this.click = click;
        }

        /** The landing page's snippet reports its view, as t.js does, from the page's own visitor id. */
        void reportFrom(String pageVisitor, java.time.Instant timestamp) {
            assertThat(track("/v1/page", """
                    {"anonymousId":"%s",%s"context":{"campaign":{"share":"%s","click":"%s"}}}""".formatted(pageVisitor,
                    timestamp == null ? "" : "\"timestamp\":\"" + timestamp + "\",", share, click)).getStatusCode())
                    .isEqualTo(HttpStatus.OK);
        }
    }

    /**
     * Waits until the advocacy consumer has handled everything this visitor sent so far: a click
     * of Dan's link from a browser carrying the visitor's id comes after it on the same partition.
     */
    private void afterEverythingOf(String visitorId) throws Exception {
        String dans = shareAs("dan-" + run).path("code").asText();
        Visitor sameId = new Visitor();
        sameId.cookies.put("baton_aid", visitorId);
        assertThat(sameId.click(dans, BROWSER).statusCode()).isEqualTo(302);
        await().atMost(STEP).until(() -> clicksBy(visitorId) == 1 && attribution(visitorId) != null);
    }

    /** The visitor signs up on the guide's page. */
    private void submitForm(String visitor, String email) {
        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"guide"},"context":{"traits":{"email":"%s"}}}"""
                .formatted(visitor, email));
    }

    private JsonNode attribution(String visitor) throws Exception {
        return elasticsearch.get(g -> g.index(indices.attribution()).id(visitor), JsonNode.class).source();
    }

    /** The page's report of a click, as stored (null when none was). */
    private JsonNode clickReport(String click) throws Exception {
        return elasticsearch.get(g -> g.index(indices.shareJs()).id(click), JsonNode.class).source();
    }

    private JsonNode shareAs(String employee) throws Exception {
        ResponseEntity<String> response = postJson("/api/shares", "{\"campaign\":\"%s\",\"content\":\"guide\",\"employee\":\"%s\"}"
                .formatted(campaign, employee));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.CREATED);
        return json.readTree(response.getBody());
    }

    private JsonNode employee(String id) throws Exception {
        return getJson("/api/advocacy/employees/" + id + "?campaign=" + campaign).path("figures");
    }

    private long clicksBy(String visitor) throws Exception {
        return elasticsearch.count(c -> c.index(indices.shareClicks())
                .query(q -> q.term(t -> t.field("visitor").value(visitor)))).count();
    }

    private static JsonNode find(JsonNode rows, String field, String value) {
        for (JsonNode row : rows) {
            if (value.equals(row.path(field).asText())) {
                return row;
            }
        }
        throw new AssertionError("no row with " + field + " = " + value + " in " + rows);
    }

    private void put(String path, String body) {
        admin().put(path, jsonBody(body));
    }

    private ResponseEntity<String> postJson(String path, String body) {
        return admin().postForEntity(path, jsonBody(body), String.class);
    }

    private ResponseEntity<String> postCsv(String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType("text/csv"));
        return admin().postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }
}
