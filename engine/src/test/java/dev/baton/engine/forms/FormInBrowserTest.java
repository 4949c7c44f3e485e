package dev.baton.engine.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.Chromium;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.LandingSite;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * A visitor fills in a Baton form in a real browser (headless Chromium) on a landing page of
 * another site: embedded (the iframe t.js loads), where messages appear beside their fields; and
 * as README's plain HTML form, where the browser is shown pages, never JSON.
 */
class FormInBrowserTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String formId = "callback_" + run;
    private LandingSite landingSite;
    private String landing;
    private ChromeDriver browser;

    @BeforeEach
    void formAndLandingSite() throws Exception {
        var saved = admin().exchange("/api/forms/" + formId, HttpMethod.PUT, jsonBody("""
                {"name":"Call me back","defaultRegion":"GB","successMessage":"We will call you today.",
                 "fields":[{"name":"email","label":"Work email","type":"email","required":true},
                           {"name":"phone","label":"Phone","type":"tel"},
                           {"name":"company","label":"Company","type":"text","required":true},
                           {"name":"utm_source","type":"hidden"}],
                 "consent":{"text":"I agree to be contacted","required":true}}"""), String.class);
        assertThat(saved.getStatusCode()).as(saved.getBody()).isEqualTo(HttpStatus.OK);
        String snippet = "<script src=\"%s/t.js\" data-write-key=\"%s\"></script>".formatted(http.getRootUri(), WRITE_KEY);
        landingSite = LandingSite.start().page("/embedded", """
                <!doctype html><html><head><title>Embedded</title></head><body><h1>Talk to us</h1>
                <iframe data-baton-form="%s" style="border:0;width:100%%;height:700px"></iframe>%s</body></html>"""
                .formatted(formId, snippet))
                // README's plain form (no "required" on company: the browser lets it through, Baton does not).
                .page("/plain", """
                <!doctype html><html><head><title>Plain</title></head><body>
                <form method="post" action="%s/f/%s">
                  <input name="email" type="email"> <input name="company">
                  <label><input name="consent" type="checkbox"> I agree to be contacted</label>
                  <input name="anonymousId" type="hidden">
                  <button>Sign up</button>
                </form>%s</body></html>""".formatted(http.getRootUri(), formId, snippet));
        landing = landingSite.url();
        browser = Chromium.start();
    }

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
    void anEmbeddedFormShowsBatonsMessagesBesideTheirFieldsThenThanksTheVisitorItIdentified() throws Exception {
        browser.get(landing + "/embedded?utm_source=newsletter");
        String visitor = (String) browser.executeScript("return window.baton.anonymousId()");
        await().atMost(STEP).until(() -> !browser.findElements(By.cssSelector("iframe[src]")).isEmpty());
        browser.switchTo().frame(browser.findElement(By.cssSelector("iframe[data-baton-form]")));
        await().atMost(STEP).until(() -> !browser.findElements(By.name("email")).isEmpty());

        String email = "ann-" + run + "@example.com";
        browser.findElement(By.name("email")).sendKeys(email);
        browser.findElement(By.name("company")).sendKeys("Acme, Inc.");
        browser.findElement(By.name("phone")).sendKeys("12");
        browser.findElement(By.name("consent")).click();
        browser.findElement(By.tagName("button")).click();

        // The browser's checks pass; Baton's do not: the number is no phone number in Britain.
        WebElement phoneMessage = browser.findElement(By.cssSelector("[data-error-for=phone]"));
        await().atMost(STEP).until(() -> !phoneMessage.getText().isEmpty());
        assertThat(phoneMessage.getText()).isEqualTo("not a phone number for GB: '12'");
        assertThat(browser.findElement(By.cssSelector("[data-error-for=email]")).getText()).isEmpty();

        browser.findElement(By.name("phone")).clear();
        browser.findElement(By.name("phone")).sendKeys("020 7946 0958");
        browser.findElement(By.tagName("button")).click();

        await().atMost(STEP).until(() -> !browser.findElements(By.className("thanks")).isEmpty());
        assertThat(browser.findElement(By.className("thanks")).getText()).isEqualTo("We will call you today.");
        JsonNode lead = awaitLead(email);
        assertThat(lead.path("anonymousIds")).extracting(JsonNode::asText).as("the visitor of the landing page").contains(visitor);
        assertThat(lead.path("phones")).extracting(JsonNode::asText).containsExactly("+442079460958");
        assertThat(lead.path("traits").path("company").asText()).isEqualTo("Acme, Inc.");
        assertThat(lead.path("traits").path("utm_source").asText()).as("a hidden field from the page's address").isEqualTo("newsletter");
    }

    @Test
    void aPlainHtmlFormShowsPagesNeverJsonAndLeadsBackToTheFormWhenSomethingIsMissing() throws Exception {
        browser.get(landing + "/plain");
        String email = "bo-" + run + "@example.com";
        browser.findElement(By.name("email")).sendKeys(email);
        browser.findElement(By.name("consent")).click();
        browser.findElement(By.tagName("button")).click();

        awaitTitle("Some fields need attention");
        String refused = browser.findElement(By.tagName("body")).getText();
        assertThat(refused).contains("Company: Company is required").doesNotContain("{");

        browser.findElement(By.linkText("Back to the form")).click();
        awaitTitle("Plain");
        browser.findElement(By.name("email")).clear();
        browser.findElement(By.name("email")).sendKeys(email);
        browser.findElement(By.name("company")).sendKeys("Initech");
        if (!browser.findElement(By.name("consent")).isSelected()) {
            browser.findElement(By.name("consent")).click();
        }
        browser.findElement(By.tagName("button")).click();

        awaitTitle("Call me back");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("We will call you today.").doesNotContain("{");
        assertThat(awaitLead(email).path("traits").path("company").asText()).isEqualTo("Initech");
    }

    /** Waits for the page of this title; says what the browser shows instead if it does not come. */
    private void awaitTitle(String title) {
        await().atMost(STEP).untilAsserted(() -> assertThat(browser.getTitle())
                .as(() -> browser.getCurrentUrl() + ": " + browser.getPageSource()).isEqualTo(title));
    }
}
