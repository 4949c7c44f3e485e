package dev.baton.engine.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A landing-page form identifies its visitor, whether a browser or a script posts it. */
class FormSubmissionTest extends IntegrationTest {
    @Autowired ObjectMapper json;
    private String formId;

    @BeforeEach
    void webinarForm() {
        formId = "webinar_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> saved = admin().exchange("/api/forms/" + formId, HttpMethod.PUT, new HttpEntity<>("""
                {"name":"Webinar sign-up","defaultRegion":"GB",
                 "fields":[{"name":"email","label":"Work email","type":"EMAIL","required":true},
                           {"name":"phone","label":"Phone","type":"PHONE","required":false},
                           {"name":"company","label":"Company","type":"TEXT","required":true}],
                 "consent":{"text":"I agree to be contacted","required":true}}
                """, headers), String.class);
        assertThat(saved.getStatusCode()).as(saved.getBody()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void plainHtmlFormPostIdentifiesTheVisitorByItsCookie() throws Exception {
        String visitor = "html-" + UUID.randomUUID();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        headers.add(HttpHeaders.COOKIE, "baton_aid=" + visitor);
        ResponseEntity<String> response = http.postForEntity("/f/" + formId,
                new HttpEntity<>("email=Ann%40Example.COM&company=Acme&consent=on", headers), String.class);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        JsonNode lead = awaitLead("ann@example.com");
        assertThat(lead.path("anonymousIds")).extracting(JsonNode::asText).containsExactly(visitor);
        assertThat(lead.path("traits").path("company").asText()).isEqualTo("Acme");
        assertThat(lead.path("score").asInt()).as("Form Submitted is worth 15").isEqualTo(15);
    }

    @Test
    void jsonPostWithANationalPhoneNumberIdentifiesTheLeadInE164() throws Exception {
        String email = "bo-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        ResponseEntity<String> response = postJson("""
                {"email":"%s","phone":"020 7946 0958","company":"Initech","consent":true}
                """.formatted(email));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        JsonNode lead = awaitLead(email);
        assertThat(lead.path("phones")).extracting(JsonNode::asText).containsExactly("+442079460958");
    }

    @Test
    void missingRequiredFieldsAreNamedAndNothingIsRecorded() throws Exception {
        String bad = "not-an-email-" + UUID.randomUUID();
        List<String> written;
        try (EventsTopic topic = eventsTopicFromNow()) {
            ResponseEntity<String> response = postJson("{\"email\":\"" + bad + "\",\"phone\":\"12\"}");

            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            JsonNode problem = json.readTree(response.getBody());
            assertThat(problem.path("errors")).extracting(e -> e.path("field").asText())
                    .containsExactlyInAnyOrder("email", "phone", "company", "consent");
            // A valid event after it: once it is on the topic, the refused form would be too, had it been written.
            String marker = "marker-" + UUID.randomUUID();
            track("{\"type\":\"track\",\"anonymousId\":\"" + marker + "\",\"event\":\"Page Viewed\"}");
            written = topic.until(marker);
        }
        assertThat(written).as("nothing of the refused form reached Kafka").noneMatch(value -> value.contains(bad));
    }

    @Test
    void submittingToAnUnknownFormIsA404() {
        assertThat(postJson("{}", "/f/no_such_form").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void definitionWithoutAnIdentifyingFieldIsRefusedNamingTheProblem() throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> response = admin().exchange("/api/forms/no_email", HttpMethod.PUT, new HttpEntity<>(
                "{\"name\":\"x\",\"fields\":[{\"name\":\"company\",\"type\":\"TEXT\"}]}", headers), String.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(response.getBody()).path("errors").get(0).path("field").asText()).isEqualTo("fields");
        assertThat(admin().getForEntity("/api/forms/no_email", String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    private ResponseEntity<String> postJson(String body) {
        return postJson(body, "/f/" + formId);
    }

    private ResponseEntity<String> postJson(String body, String path) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }

}
