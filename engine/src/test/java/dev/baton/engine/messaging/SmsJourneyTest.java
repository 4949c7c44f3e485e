package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.connectors.FakeProvider;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.OneStepJourney;
import dev.baton.engine.testing.TestServers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;

/**
 * A journey's "send SMS template T" step through Twilio (a local server speaking its Messages
 * API): the message goes out once with a status callback, the delivery receipt lands on the
 * lead, a STOP reply stops every later SMS, and a send whose outcome is unknown is never repeated.
 */
class SmsJourneyTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String PROCESS = OneStepJourney.bpmn("sms-step", "SendSms", "send-sms",
            Map.of("template", "webinar-reminder"));
    @Autowired RepositoryService repository;
    @Autowired RuntimeService runtime;
    @Autowired HistoryService history;
    @Autowired org.camunda.bpm.engine.ExternalTaskService externalTasks;

    @BeforeEach
    void deployTheStep() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("sms-step").count() == 0) {
            repository.createDeployment().addString("sms-step.bpmn", PROCESS).deploy();
        }
    }

    @Test
    void smsGoesOutOnceWithItsReceiptAndAStopReplyBlocksEveryLaterSms() throws Exception {
        String phone = "+49151" + (10_000_000 + (int) (Math.random() * 89_999_999));
        String user = "sms-" + UUID.randomUUID();
        identify(user, phone);

        String first = runtime.startProcessInstanceByKey("sms-step", user).getId();
        await().atMost(STEP).until(() -> "sent".equals(status(first)));

        List<FakeProvider.Request> sent = requestsTo(phone);
        assertThat(sent).hasSize(1);
        Map<String, String> form = form(sent.get(0).body());
        assertThat(form.get("Body")).startsWith("Hi Ada, our live session starts soon").contains("Reply STOP");
        assertThat(form.get("StatusCallback")).isEqualTo("http://localhost:8080/sms/twilio/status");
        assertThat(sent.get(0).path()).isEqualTo("/2010-04-01/Accounts/ACtest/Messages.json");

        String sid = timelineProperty(user, "SMS Sent", "messageId");
        assertThat(post("/sms/twilio/status", Map.of("MessageSid", sid, "MessageStatus", "delivered", "To", phone))
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        await().atMost(STEP).until(() -> timeline(user).contains("SMS Delivered"));

        assertThat(post("/sms/twilio/inbound", Map.of("From", phone, "Body", "STOP", "MessageSid", "SMin" + UUID.randomUUID()))
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        await().atMost(STEP).until(() -> timeline(user).contains("Unsubscribed"));

        String second = runtime.startProcessInstanceByKey("sms-step", user).getId();
        await().atMost(STEP).until(() -> "blocked".equals(status(second)));
        assertThat(requestsTo(phone)).as("nothing sent after STOP").hasSize(1);
    }

    @Test
    void callbackWithoutTwiliosSignatureIsRefused() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        headers.add("X-Twilio-Signature", "forged");
        ResponseEntity<String> response = http.postForEntity("/sms/twilio/inbound",
                new HttpEntity<>("From=%2B4915100000000&Body=STOP", headers), String.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void sendWhoseOutcomeIsUnknownAfterATimeoutIsNeverSentAgain() throws Exception {
        String phone = "+44770" + (1_000_000 + (int) (Math.random() * 8_999_999));
        String user = "timeout-" + UUID.randomUUID();
        identify(user, phone);
        // Twilio takes the message but answers after the connector's 1 s timeout.
        TestServers.twilio().answer(new FakeProvider.Response(201, "{\"sid\":\"SMslow\"}", Duration.ofSeconds(3)));

        String instance = runtime.startProcessInstanceByKey("sms-step", user).getId();

        await().atMost(STEP).until(() -> "unconfirmed".equals(status(instance)));
        assertThat(requestsTo(phone)).as("the retry did not call Twilio again").hasSize(1);
    }

    @Test
    void twilioOutageDelaysTheSmsRaisesAnIncidentWhenRetriesRunOutAndItGoesOutOnceWhenBack() throws Exception {
        String phone = "+33612" + (100_000 + (int) (Math.random() * 899_999));
        String user = "outage-" + UUID.randomUUID();
        identify(user, phone);
        String instance;
        try (AutoCloseable outage = TestServers.twilioOutage()) {
            instance = runtime.startProcessInstanceByKey("sms-step", user).getId();
            // Three attempts with growing pauses, then an incident (what Cockpit shows).
            await().atMost(STEP).until(() -> runtime.createIncidentQuery().processInstanceId(instance).count() == 1);
            assertThat(runtime.createIncidentQuery().processInstanceId(instance).singleResult().getIncidentMessage())
                    .contains("Twilio 503");
            assertThat(requestsTo(phone)).as("the first attempt and three retries").hasSize(4);
        }

        // Twilio is back; an operator retries in Cockpit.
        externalTasks.setRetries(runtime.createIncidentQuery().processInstanceId(instance).singleResult().getConfiguration(), 1);

        await().atMost(STEP).until(() -> "sent".equals(status(instance)));
        assertThat(requestsTo(phone)).as("four refused attempts, then one that went out").hasSize(5);
        assertThat(runtime.createIncidentQuery().processInstanceId(instance).count()).isZero();
    }

    @Test
    void twilioDownForAWhileOnlyDelaysTheSmsWhichGoesOutOnce() throws Exception {
        String phone = "+33613" + (100_000 + (int) (Math.random() * 899_999));
        String user = "blip-" + UUID.randomUUID();
        identify(user, phone);
        String instance;
        try (AutoCloseable outage = TestServers.twilioOutage()) {
            instance = runtime.startProcessInstanceByKey("sms-step", user).getId();
            await().atMost(STEP).until(() -> requestsTo(phone).size() == 1);
        }

        await().atMost(STEP).until(() -> "sent".equals(status(instance)));
        assertThat(requestsTo(phone)).hasSizeBetween(2, 3);
        assertThat(runtime.createIncidentQuery().processInstanceId(instance).count()).isZero();
        await().atMost(STEP).until(() -> timeline(user).contains("SMS Sent"));
        assertThat(timeline(user)).containsOnlyOnce("SMS Sent");
    }

    private void identify(String user, String phone) throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setBasicAuth(WRITE_KEY, "");
        http.postForEntity("/v1/identify", new HttpEntity<>("""
                {"userId":"%s","traits":{"phone":"%s","firstName":"Ada"}}""".formatted(user, phone), headers), String.class);
        awaitLead(user, lead -> lead.path("phones").toString().contains(phone));
    }

    private String status(String processInstanceId) {
        var variable = history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName("smsStatus").singleResult();
        return variable == null ? null : String.valueOf(variable.getValue());
    }

    private static List<FakeProvider.Request> requestsTo(String phone) {
        return TestServers.twilio().requests().stream().filter(r -> phone.equals(form(r.body()).get("To"))).toList();
    }

    /** Posts a Twilio webhook signed as Twilio signs them (HMAC-SHA1 of the URL and the sorted parameters). */
    private ResponseEntity<String> post(String path, Map<String, String> params) throws Exception {
        StringBuilder data = new StringBuilder("http://localhost:8080").append(path);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TWILIO_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        headers.add("X-Twilio-Signature", Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8))));
        var body = new LinkedMultiValueMap<String, String>();
        params.forEach(body::add);
        return http.postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }

    private String timelineProperty(String lead, String event, String property) throws Exception {
        await().atMost(STEP).until(() -> timeline(lead).contains(event));
        for (JsonNode item : getJson("/api/leads/" + lead + "/events?size=100").path("items")) {
            if (event.equals(item.path("event").asText())) {
                return item.path("properties").path(property).asText();
            }
        }
        throw new AssertionError(event + " not in the timeline of " + lead);
    }

    private static Map<String, String> form(String body) {
        if (body == null || body.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "", (a, b) -> b,
                LinkedHashMap::new));
    }
}
