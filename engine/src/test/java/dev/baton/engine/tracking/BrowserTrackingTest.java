package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** What browsers and email clients use: the snippet, its beacons, the open pixel, and CORS. */
class BrowserTrackingTest extends IntegrationTest {
    @Autowired ObjectMapper json;

    @Test
    void snippetIsServedWithoutLoginAndSetsAFirstPartyVisitorCookie() {
        ResponseEntity<String> script = http.getForEntity("/t.js", String.class);

        assertThat(script.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(script.getHeaders().getContentType().toString()).contains("javascript");
        assertThat(script.getBody()).contains("baton_aid").contains("sendBeacon").contains("bt_s");
    }

    @Test
    void beaconWithTextPlainBodyAndWriteKeyInsideIsRecorded() throws Exception {
        String visitor = "beacon-" + UUID.randomUUID();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.TEXT_PLAIN);
        ResponseEntity<String> response = http.postForEntity("/v1/page", new HttpEntity<>(
                "{\"anonymousId\":\"%s\",\"writeKey\":\"%s\",\"properties\":{\"category\":\"case-study\"}}"
                        .formatted(visitor, WRITE_KEY), headers), String.class);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json.readTree(admin().getForEntity("/api/leads/" + visitor, String.class).getBody()).path("score").asInt() == 11);
    }

    @Test
    void emailOpenPixelAnswersAGifAndRecordsTheOpen() {
        String lead = "reader-" + UUID.randomUUID();
        String message = "{\"writeKey\":\"%s\",\"userId\":\"%s\",\"event\":\"Email Opened\",\"properties\":{\"template\":\"welcome\"}}"
                .formatted(WRITE_KEY, lead);
        String data = Base64.getUrlEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));

        ResponseEntity<byte[]> pixel = http.getForEntity("/v1/pixel/track?data=" + data, byte[].class);

        assertThat(pixel.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(pixel.getHeaders().getContentType()).isEqualTo(MediaType.IMAGE_GIF);
        assertThat(new String(pixel.getBody(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin().getForEntity("/api/leads/" + lead, String.class).getStatusCode().is2xxSuccessful());
    }

    @Test
    void pixelWithAWrongWriteKeyRecordsNothing() {
        String data = Base64.getEncoder().encodeToString(
                "{\"writeKey\":\"nope\",\"userId\":\"x\",\"event\":\"Email Opened\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(http.getForEntity("/v1/pixel/track?data=" + data, String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void declaredSiteMayCallTheTrackingApiFromTheBrowserAndOthersMayNot() {
        assertThat(preflight("https://www.example.com").getHeaders().getAccessControlAllowOrigin())
                .isEqualTo("https://www.example.com");
        ResponseEntity<String> other = preflight("https://evil.example.net");
        assertThat(other.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(other.getHeaders().getAccessControlAllowOrigin()).isNull();
    }

    private ResponseEntity<String> preflight(String origin) {
        HttpHeaders headers = new HttpHeaders();
        headers.setOrigin(origin);
        headers.setAccessControlRequestMethod(HttpMethod.POST);
        headers.setAccessControlRequestHeaders(java.util.List.of("Content-Type"));
        return http.exchange("/v1/track", HttpMethod.OPTIONS, new HttpEntity<>(headers), String.class);
    }
}
