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
    void aBrowserPostingAFormWithoutASuccessAddressIsThankedOnAPageNotWithJson() throws Exception {
        String email = "cy-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        ResponseEntity<String> response = browserPost("/f/" + formId, "email=" + email + "&company=Acme&consent=on", null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML)).isTrue();
        assertThat(response.getBody()).contains("<h1>Webinar sign-up</h1>", "Thank you").doesNotContain("anonymousId");
        awaitLead(email);
    }

    @Test
    void aBrowserPostingAFormWithErrorsSeesEachFieldByItsLabelAndAWayBackAndNothingIsRecorded() throws Exception {
        String bad = "dee-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> written;
        try (EventsTopic topic = eventsTopicFromNow()) {
            ResponseEntity<String> response = browserPost("/f/" + formId, "email=" + bad,
                    "https://www.example.com/webinar?utm_source=x&a=%3Cb%3E");

            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML)).isTrue();
            assertThat(response.getBody())
                    .contains("<strong>Work email</strong>: not an email address: &#39;" + bad + "&#39;")
                    .contains("<strong>Company</strong>: Company is required")
                    .contains("<strong>Consent</strong>: consent is required: I agree to be contacted")
                    .as("the way back, escaped").contains("href=\"https://www.example.com/webinar?utm_source=x&amp;a=%3Cb%3E\"")
                    .doesNotContain("\"errors\"");
            String marker = "marker-" + UUID.randomUUID();
            track("{\"type\":\"track\",\"anonymousId\":\"" + marker + "\",\"event\":\"Page Viewed\"}");
            written = topic.until(marker);
        }
        assertThat(written).as("nothing of the refused form reached Kafka").noneMatch(value -> value.contains(bad));
    }

    @Test
    void aBrowserPostingToAFormThatIsGoneSeesAPageSayingSo() {
        ResponseEntity<String> response = browserPost("/f/no_such_form", "email=x%40example.com", null);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(response.getBody()).contains("<h1>Form not found</h1>", "history.back()");
    }

    @Test
    void fieldTypesAreTakenAsHtmlSpellsThemAndAWrongOneNamesTheFieldAndTheChoices() throws Exception {
        ResponseEntity<String> saved = define("html_" + formId, """
                {"name":"Call me back","successMessage":"We will call you today.",
                 "fields":[{"name":"phone","label":"Phone","type":"tel","required":true},
                           {"name":"email","type":"email"},{"name":"note","type":"textarea"},{"name":"src","type":"hidden"}]}""");
        assertThat(saved.getStatusCode()).as(saved.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(json.readTree(saved.getBody()).path("fields").get(0).path("type").asText()).isEqualTo("PHONE");
        ResponseEntity<String> thanked = browserPost("/f/html_" + formId, "phone=%2B442079460958", null);
        assertThat(thanked.getBody()).contains("We will call you today.");

        ResponseEntity<String> wrong = define("wrong_" + formId, """
                {"name":"x","fields":[{"name":"email","type":"e-mail"}]}""");
        assertThat(wrong.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        JsonNode problem = json.readTree(wrong.getBody());
        assertThat(problem.path("field").asText()).isEqualTo("fields[0].type");
        assertThat(problem.path("detail").asText()).contains("'e-mail' is not a field type", "email", "tel", "checkbox");
        assertThat(admin().getForEntity("/api/forms/wrong_" + formId, String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void aSuccessAddressThatIsNotAWebAddressIsRefused() throws Exception {
        ResponseEntity<String> response = define("bad_url_" + formId, """
                {"name":"x","successUrl":"thanks page","fields":[{"name":"email","type":"email"}]}""");

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(response.getBody()).path("errors").get(0).path("field").asText()).isEqualTo("successUrl");
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

    /** Posts as a browser does a plain HTML form: form-encoded, asking for a page, from the page the form is on. */
    private ResponseEntity<String> browserPost(String path, String body, String referer) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        headers.set(HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        if (referer != null) {
            headers.set(HttpHeaders.REFERER, referer);
        }
        return http.postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }

    private ResponseEntity<String> define(String id, String definition) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return admin().exchange("/api/forms/" + id, HttpMethod.PUT, new HttpEntity<>(definition, headers), String.class);
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
