package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.connectors.FakeProvider;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * A journey driven by behaviour events end to end: a share click starts it, the form identifies
 * the lead (the journey follows the visitor into the lead), the welcome email goes out through
 * the real SMTP server, nurture begins, and one click on the email's unsubscribe ends it.
 */
class ShareToLeadJourneyTest extends IntegrationTest {
    private static final Duration JOURNEY = Duration.ofSeconds(60);
    @Autowired JourneyCorrelator correlator;
    @Autowired RuntimeService runtime;
    @Autowired ExternalTaskService externalTasks;
    @Autowired HistoryService history;
    @Autowired com.fasterxml.jackson.databind.ObjectMapper json;

    @Test
    void shareClickThenFormSendsTheWelcomeEmailEntersNurtureAndOneClickUnsubscribeEndsIt() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        track("{\"anonymousId\":\"%s\",\"event\":\"Share Clicked\",\"properties\":{\"share\":\"s-1\"}}".formatted(visitor));
        await().atMost(JOURNEY).until(() -> correlator.activeJourneys(visitor).containsKey("baton-share-to-lead"));

        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"guide"},
                 "context":{"traits":{"email":"%s","firstName":"Ada"}}}""".formatted(visitor, email));

        MimeMessage welcome = awaitMail(email, "Welcome, Ada");
        // The visitor became the lead: same id, so its journey goes on, into nurture.
        String lead = leadIdOf(email);
        assertThat(lead).isEqualTo(visitor);
        await().atMost(JOURNEY).until(() -> correlator.activeJourneys(lead).keySet()
                .containsAll(List.of("baton-share-to-lead", "baton-nurture")));
        String unsubscribe = welcome.getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "");
        assertThat(welcome.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        nurtureFirstDayPasses(email);
        awaitMail(email, "How teams like yours do it");
        await().atMost(JOURNEY).until(() -> timeline(email).contains("Email Sent"));

        // What a mail client's unsubscribe button does (RFC 8058): POST List-Unsubscribe=One-Click.
        String path = unsubscribe.substring(unsubscribe.indexOf("/e/u/"));
        HttpHeaders form = new HttpHeaders();
        form.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        ResponseEntity<String> done = http.postForEntity(path, new HttpEntity<>("List-Unsubscribe=One-Click", form), String.class);
        assertThat(done.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(done.getBody()).contains("You are unsubscribed", email);

        await().atMost(JOURNEY).until(() -> !correlator.activeJourneys(lead).containsKey("baton-nurture"));
        await().atMost(JOURNEY).until(() -> timeline(email).contains("Unsubscribed"));
        assertThat(mailTo(email)).as("no email after the unsubscribe, none twice").hasSize(2);
    }

    @Test
    void shareFormWelcomeClickAndPricingVisitsMakeTheLeadHotAndItsSalesTaskIsCreatedInTheCrm() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String email = "hedy-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        track("{\"anonymousId\":\"%s\",\"event\":\"Share Clicked\"}".formatted(visitor));
        await().atMost(JOURNEY).until(() -> correlator.activeJourneys(visitor).containsKey("baton-share-to-lead"));
        track("""
                {"anonymousId":"%s","event":"Form Submitted","context":{"traits":{"email":"%s","firstName":"Hedy"}}}"""
                .formatted(visitor, email));

        // The lead clicks the guide in the welcome email (a tracked link: Email Clicked, then the guide).
        MimeMessage welcome = awaitMail(email, "Welcome, Hedy");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"https?://[^\"]*(/e/c/[^\"]+)\"")
                .matcher(htmlOf(welcome));
        assertThat(link.find()).isTrue();
        // As a mail client opens it, without following the redirect (the guide is on the internet).
        var click = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NEVER).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.getRootUri() + link.group(1))).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location")).contains("https://baton.dev/guides/getting-started");
        await().atMost(JOURNEY).until(() -> timeline(email).contains("Email Clicked"));

        // Back on pricing three times: 21 + 31 + 31 points, with the form (15) and the click (5): hot.
        for (int visit = 0; visit < 3; visit++) {
            track("{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}"
                    .formatted(visitor));
        }
        await().atMost(JOURNEY).until(() -> "hot".equals(getJson("/api/leads/" + email).path("tier").asText()));

        await().atMost(JOURNEY).until(() -> hubspotTasksAbout(email).size() == 1);
        FakeProvider.Request task = hubspotTasksAbout(email).get(0);
        assertThat(task.path()).isEqualTo("/crm/v3/objects/tasks");
        assertThat(task.header("Authorization")).isEqualTo("Bearer test-hubspot-token");
        JsonNode properties = json.readTree(task.body()).path("properties");
        assertThat(properties.path("hs_task_subject").asText()).isEqualTo("Hot lead: " + email);
        assertThat(properties.path("hs_task_body").asText()).contains("hot because its score is", "pricing page",
                "Last activity:", "Page Viewed (pricing)");
        assertThat(properties.path("hubspot_owner_id").asText()).isEqualTo("77");
        String lead = leadIdOf(email);
        await().atMost(JOURNEY).until(() -> correlator.activeJourneys(lead).containsKey("baton-sales-handoff"));
        // Nurture stopped its sequence (or never began it, when the lead was hot by the time it
        // entered): it waits only for the handoff it called.
        assertThat(runtime.getActiveActivityIds(correlator.activeJourneys(lead).get("baton-nurture")))
                .hasSize(1).containsAnyOf("Handoff", "HandoffNow");
    }

    private static List<FakeProvider.Request> hubspotTasksAbout(String email) {
        return TestServers.hubspot().requests().stream().filter(r -> r.body().contains(email)).toList();
    }

    private static String htmlOf(MimeMessage message) throws Exception {
        String html = htmlIn(message.getContent());
        if (html == null) {
            throw new AssertionError("no HTML part");
        }
        return html;
    }

    /** The text/html part, however deep in multipart/mixed, related and alternative it sits. */
    private static String htmlIn(Object content) throws Exception {
        if (content instanceof jakarta.mail.internet.MimeMultipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                var part = multipart.getBodyPart(i);
                String html = part.isMimeType("text/html") ? (String) part.getContent() : htmlIn(part.getContent());
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }

    @Test
    void sameTemplateIsNeverSentTwiceToALeadAndTheBlockedSendIsRecordedWithItsReason() throws Exception {
        String email = "lin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        track("{\"userId\":\"%s\",\"event\":\"Webinar Registered\",\"context\":{\"traits\":{\"email\":\"%s\"}}}"
                .formatted(email, email));
        awaitLead(email);

        String first = runtime.startProcessInstanceByKey("baton-nurture", email).getId();
        nurtureFirstDayPasses(email);
        awaitMail(email, "How teams like yours do it");
        String second = runtime.startProcessInstanceByKey("baton-nurture", email).getId();
        nurtureFirstDayPasses(email);

        await().atMost(JOURNEY).until(() -> "blocked".equals(emailStatusOf(second)));
        assertThat(emailStatusOf(first)).isEqualTo("sent");
        assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(second).variableName("emailBlocked")
                .singleResult().getValue().toString()).contains("already sent");
        assertThat(mailTo(email)).hasSize(1);
    }

    private String emailStatusOf(String processInstanceId) {
        var variable = history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName("emailStatus").singleResult();
        return variable == null ? null : String.valueOf(variable.getValue());
    }

    @Test
    void replayedSignalDoesNotAdvanceAJourneyTwice() {
        String lead = "replay-" + UUID.randomUUID();
        JourneySignal click = new JourneySignal("m-" + UUID.randomUUID(), lead, List.of(), "Share Clicked", Map.of(), Instant.now());

        JourneyCorrelator.Outcome first = correlator.correlate(click);
        JourneyCorrelator.Outcome again = correlator.correlate(click);

        assertThat(first.started()).containsExactly("baton-share-to-lead");
        assertThat(again.duplicate()).isTrue();
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(lead).count()).isEqualTo(1);
    }

    @Test
    void leadIsInAtMostOneActiveInstanceOfAJourneyAndNeverReentersByDefault() {
        String lead = "once-" + UUID.randomUUID();

        correlator.correlate(new JourneySignal("a-" + UUID.randomUUID(), lead, List.of(), "Share Clicked", Map.of(), Instant.now()));
        JourneyCorrelator.Outcome second = correlator.correlate(
                new JourneySignal("b-" + UUID.randomUUID(), lead, List.of(), "Share Clicked", Map.of(), Instant.now()));

        assertThat(second.started()).isEmpty();
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(lead).count()).isEqualTo(1);
    }

    @Test
    void smtpOutageDelaysTheEmailAndRaisesAnIncidentWhenRetriesRunOutThenItGoesOutOnce() throws Exception {
        String email = "grace-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String instance;
        try (AutoCloseable outage = TestServers.smtpOutage()) {
            track("""
                    {"userId":"%s","event":"Form Submitted","context":{"traits":{"email":"%s","firstName":"Grace"}}}"""
                    .formatted(email, email));
            String lead = leadIdOf(email);
            await().atMost(JOURNEY).until(() -> correlator.activeJourneys(lead).containsKey("baton-share-to-lead"));
            instance = correlator.activeJourneys(lead).get("baton-share-to-lead");
            // Three attempts with growing pauses, then an incident (what Cockpit shows).
            await().atMost(JOURNEY).until(() -> runtime.createIncidentQuery().processInstanceId(instance).count() == 1);
            assertThat(runtime.createIncidentQuery().processInstanceId(instance).singleResult().getIncidentMessage())
                    .contains("SMTP");
        }
        assertThat(mailTo(email)).isEmpty();

        // An operator retries in Cockpit once the server is back.
        var task = runtime.createIncidentQuery().processInstanceId(instance).singleResult().getConfiguration();
        externalTasks.setRetries(task, 1);

        awaitMail(email, "Welcome, Grace");
        await().atMost(JOURNEY).until(() -> runtime.createIncidentQuery().processInstanceId(instance).count() == 0);
        assertThat(mailTo(email)).filteredOn(m -> subject(m).startsWith("Welcome")).hasSize(1);
    }

}
