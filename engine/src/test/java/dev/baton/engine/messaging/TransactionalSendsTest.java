package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.OneStepJourney;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A transactional send answers the lead's own action (a welcome, a confirmation): it goes out at
 * once, at night and past the frequency cap, once per event it answers; an unsubscribe still
 * stops it. A marketing send keeps every guard. The guards here have quiet hours from 21:00 to
 * 08:00 UTC (the shared test context has none, so that journeys send at any time of day).
 */
class TransactionalSendsTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Instant ELEVEN_PM = Instant.parse("2026-11-23T23:00:00Z");
    private static final String CONFIRMATION = OneStepJourney.bpmn("confirmation-step", "Confirm", "send-email",
            Map.of("template", "welcome", "transactional", "true"));
    @Autowired ElasticsearchClient client;
    @Autowired Indices indices;
    @Autowired Suppressions suppressions;
    @Autowired DeliveryLog deliveries;
    @Autowired LeadStore leads;
    @Autowired RepositoryService repository;
    @Autowired RuntimeService runtime;
    @Autowired HistoryService history;
    @Autowired org.springframework.transaction.PlatformTransactionManager transactions;
    private SendGuards nightlyQuiet;

    private static final String CASE_STUDY = OneStepJourney.bpmn("case-study-step", "Send", "send-email",
            Map.of("template", "case-study"));

    @BeforeEach
    void deployTheConfirmationStepAndQuietNights() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("confirmation-step").count() == 0) {
            repository.createDeployment().addString("confirmation-step.bpmn", CONFIRMATION).deploy();
        }
        if (repository.createProcessDefinitionQuery().processDefinitionKey("case-study-step").count() == 0) {
            repository.createDeployment().addString("case-study-step.bpmn", CASE_STUDY).deploy();
        }
        nightlyQuiet = new SendGuards(client, indices, suppressions, 3, Duration.ofDays(7), LocalTime.of(21, 0),
                LocalTime.of(8, 0), ZoneId.of("UTC"));
    }

    @Test
    void transactionalWelcomeGoesOutDuringQuietHours() throws Exception {
        LeadProfile ada = lead("ada");

        SendGuards.Verdict welcome = nightlyQuiet.check("email", ada, email(ada), "welcome",
                SendGuards.Purpose.answering("form-" + UUID.randomUUID()), ELEVEN_PM);

        assertThat(welcome.sendNow()).isTrue();
    }

    @Test
    void marketingEmailWaitsForMorning() throws Exception {
        LeadProfile ada = lead("ada");

        SendGuards.Verdict caseStudy = nightlyQuiet.check("email", ada, email(ada), "case-study",
                SendGuards.Purpose.MARKETING, ELEVEN_PM);

        assertThat(caseStudy.blockedBecause()).isNull();
        assertThat(caseStudy.notBefore()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    }

    @Test
    void frequencyCapHoldsMarketingButNotTheAnswerToTheLeadsOwnAction() throws Exception {
        LeadProfile busy = lead("busy");
        for (String template : new String[] {"case-study", "webinar-invite", "case-study-reminder"}) {
            Instant at = Instant.parse("2026-11-23T10:00:00Z");
            deliveries.record(new DeliveryLog.Delivery("email:" + UUID.randomUUID(), "email", busy.id(), email(busy), template,
                    "sent", "provider-" + template, null, at, at, false, null, null, null));
        }
        Instant noon = Instant.parse("2026-11-23T12:00:00Z");

        assertThat(nightlyQuiet.check("email", busy, email(busy), "newsletter", SendGuards.Purpose.MARKETING, noon)
                .blockedBecause()).startsWith("frequency cap: 3 email messages");
        assertThat(nightlyQuiet.check("email", busy, email(busy), "download", SendGuards.Purpose.answering("form-2"), noon)
                .sendNow()).isTrue();
    }

    @Test
    void transactionalSendStillHonoursUnsubscribe() throws Exception {
        LeadProfile gone = lead("gone");
        suppressions.suppress(new Suppressions.Suppression("email", email(gone), gone.id(), "unsubscribed", Instant.now()));

        String confirmation = confirm(gone, "registered-" + UUID.randomUUID(), "blocked");

        assertThat(variable(confirmation, "emailBlocked")).isEqualTo("opted out of email (unsubscribed)");
        DeliveryLog.Delivery blocked = deliveryOf(confirmation);
        assertThat(blocked.state()).isEqualTo("blocked");
        assertThat(blocked.transactional()).as("the record says it was transactional").isTrue();
        assertThat(blocked.reason()).isEqualTo("opted out of email (unsubscribed)");
        assertThat(mailTo(email(gone))).isEmpty();
    }

    @Test
    void secondConfirmationForAnotherTriggerStillGoes() throws Exception {
        LeadProfile lin = lead("lin");
        String firstWebinar = "registered-" + UUID.randomUUID();
        String secondWebinar = "registered-" + UUID.randomUUID();

        confirm(lin, firstWebinar, "sent");
        String second = confirm(lin, secondWebinar, "sent");

        assertThat(mailTo(email(lin))).as("one confirmation per registration").hasSize(2);
        DeliveryLog.Delivery delivered = deliveryOf(second);
        assertThat(delivered.state()).isEqualTo("sent");
        assertThat(delivered.transactional()).isTrue();
        assertThat(delivered.trigger()).isEqualTo(secondWebinar);
    }

    @Test
    void sameTriggerNeverGetsItsConfirmationTwice() throws Exception {
        LeadProfile rae = lead("rae");
        String registration = "registered-" + UUID.randomUUID();
        confirm(rae, registration, "sent");

        // The same event again (a journey restarted for it): the confirmation it answers went already.
        String again = confirm(rae, registration, "blocked");

        assertThat(variable(again, "emailBlocked")).contains("already sent for this event", registration);
        assertThat(mailTo(email(rae))).hasSize(1);
    }

    @Test
    void twoSendsOfOneTemplateToALeadInOneBatchGoOutOnce() throws Exception {
        LeadProfile lou = lead("lou");

        // Both steps are made in one transaction, so the worker fetches them in one batch (one lane:
        // one lead), where the first send is recorded but not yet refreshed when the second is guarded.
        List<String> journeys = new org.springframework.transaction.support.TransactionTemplate(transactions).execute(status -> List.of(
                runtime.startProcessInstanceByKey("case-study-step", lou.id()).getId(),
                runtime.startProcessInstanceByKey("case-study-step", lou.id()).getId()));

        await().atMost(STEP).until(() -> journeys.stream().allMatch(journey -> variable(journey, "emailStatus") != null));
        assertThat(journeys).extracting(journey -> variable(journey, "emailStatus")).containsExactlyInAnyOrder("sent", "blocked");
        assertThat(journeys).extracting(journey -> variable(journey, "emailBlocked")).filteredOn(java.util.Objects::nonNull)
                .singleElement().asString().contains("already sent to this lead");
        assertThat(mailTo(email(lou))).hasSize(1);
    }

    @Test
    void journeyWithoutATriggerAnswersItsOwnStart() throws Exception {
        LeadProfile kit = lead("kit");

        String journey = runtime.startProcessInstanceByKey("confirmation-step", kit.id()).getId();

        await().atMost(STEP).until(() -> "sent".equals(variable(journey, "emailStatus")));
        assertThat(deliveryOf(journey).trigger()).as("keyed on the process instance").isEqualTo(journey);
    }

    /** Runs the confirmation step answering {@code trigger} until its email status is as expected. */
    private String confirm(LeadProfile lead, String trigger, String expectedStatus) {
        String journey = runtime.startProcessInstanceByKey("confirmation-step", lead.id(),
                Map.of("triggerMessageId", trigger)).getId();
        await().atMost(STEP).until(() -> expectedStatus.equals(variable(journey, "emailStatus")));
        return journey;
    }

    /** A lead known by email (its id), named for the welcome template. */
    private LeadProfile lead(String name) throws Exception {
        String email = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        track("/v1/identify", """
                {"userId":"%s","traits":{"email":"%s","firstName":"%s"}}""".formatted(email, email, name));
        awaitLead(email, lead -> lead.path("emails").toString().contains(email));
        return leads.get(email);
    }

    private static String email(LeadProfile lead) {
        return lead.emails().iterator().next();
    }

    private String variable(String processInstanceId, String name) {
        var variable = history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName(name).singleResult();
        return variable == null ? null : String.valueOf(variable.getValue());
    }

    /** The delivery record of the journey's one send step (keyed on its external task). */
    private DeliveryLog.Delivery deliveryOf(String processInstanceId) {
        String task = history.createHistoricExternalTaskLogQuery().processInstanceId(processInstanceId).list().get(0)
                .getExternalTaskId();
        return deliveries.get("email:" + task);
    }
}
