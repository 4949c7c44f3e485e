package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.IntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;

/**
 * Journeys come from Camunda Modeler's Deploy button (a multipart POST to /engine-rest): a valid
 * one is live at once and starts on its event; a broken one is refused with where it is broken,
 * and nothing of it is deployed.
 */
class JourneyDeploymentTest extends IntegrationTest {
    @Autowired RepositoryService repository;
    @Autowired JourneyCorrelator correlator;
    @Autowired org.camunda.bpm.engine.RuntimeService runtime;
    @Autowired com.fasterxml.jackson.databind.ObjectMapper json;

    @Test
    void journeyDeployedFromModelerStartsOnItsEvent() {
        String key = "webinar-followup-" + UUID.randomUUID().toString().substring(0, 8);
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
                  <bpmn:message id="m" name="Webinar Attended" />
                  <bpmn:process id="%s" isExecutable="true" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="attended"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="f" sourceRef="attended" targetRef="thank" />
                    <bpmn:userTask id="thank" name="Thank for attending" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key);

        ResponseEntity<String> deployed = deploy(key + ".bpmn", bpmn);

        assertThat(deployed.getStatusCode()).as(deployed.getBody()).isEqualTo(HttpStatus.OK);
        String lead = "attendee-" + UUID.randomUUID();
        var outcome = correlator.correlate(new JourneySignal("w-" + UUID.randomUUID(), lead, List.of(), "Webinar Attended",
                Map.of(), java.time.Instant.now()));
        assertThat(outcome.started()).contains(key);
    }

    @Test
    void brokenBpmnIsRefusedSayingWhereAndNothingIsDeployed() {
        String key = "broken-" + UUID.randomUUID().toString().substring(0, 8);
        long before = repository.createDeploymentQuery().count();
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
                  <bpmn:process id="%s" isExecutable="true">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="nowhere" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key);

        ResponseEntity<String> refused = deploy(key + ".bpmn", bpmn);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody()).contains("nowhere", key + ".bpmn");
        assertThat(repository.createDeploymentQuery().count()).isEqualTo(before);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).count()).isZero();
    }

    @Test
    void journeyNamingATopicNoWorkerServesIsRefusedNamingTheElement() {
        String key = "unknown-topic-" + UUID.randomUUID().toString().substring(0, 8);
        String bpmn = dev.baton.engine.testing.OneStepJourney.bpmn(key, "SendFax", "send-fax", java.util.Map.of());

        ResponseEntity<String> refused = deploy(key + ".bpmn", bpmn);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody()).contains("SendFax", "send-fax", "send-email");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).count()).isZero();
    }

    @Test
    void journeysApiListsTheLibraryWithWhatStartsEachAndWhereLeadsWait() throws Exception {
        var journeys = getJson("/api/journeys");

        var shareToLead = java.util.stream.StreamSupport.stream(journeys.spliterator(), false)
                .filter(j -> j.path("key").asText().equals("baton-share-to-lead")).findFirst().orElseThrow();
        assertThat(shareToLead.path("startsOn")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .containsExactlyInAnyOrder("Share Clicked", "Form Submitted");
        assertThat(shareToLead.path("reentry").asText()).isEqualTo("never");
        assertThat(journeys.findValuesAsText("key")).contains("baton-nurture", "baton-sales-handoff");

        String lead = "waiting-" + UUID.randomUUID();
        correlator.correlate(new JourneySignal("s-" + UUID.randomUUID(), lead, List.of(), "Share Clicked", Map.of(),
                java.time.Instant.now()));
        var after = java.util.stream.StreamSupport.stream(getJson("/api/journeys").spliterator(), false)
                .filter(j -> j.path("key").asText().equals("baton-share-to-lead")).findFirst().orElseThrow();
        assertThat(after.path("waitingAt").path("WaitForForm").asLong()).isPositive();
        assertThat(getJson("/api/journeys/leads/" + lead).has("baton-share-to-lead")).isTrue();
    }

    @Test
    void newVersionAppliesToNewInstancesWhileRunningOnesStayOnTheirsAndABrokenOneChangesNothing() {
        String key = "versions-" + UUID.randomUUID().toString().substring(0, 8);
        String message = "Versioned Event " + key;
        assertThat(deploy(key + ".bpmn", waitingJourney(key, message, "ThankYou")).getStatusCode()).isEqualTo(HttpStatus.OK);
        String early = "early-" + UUID.randomUUID();
        correlator.correlate(new JourneySignal("v1-" + UUID.randomUUID(), early, List.of(), message, Map.of(), Instant.now()));

        assertThat(deploy(key + ".bpmn", waitingJourney(key, message, "CallBack")).getStatusCode()).isEqualTo(HttpStatus.OK);
        String late = "late-" + UUID.randomUUID();
        correlator.correlate(new JourneySignal("v2-" + UUID.randomUUID(), late, List.of(), message, Map.of(), Instant.now()));

        assertThat(versionOf(early)).isEqualTo(1);
        assertThat(runtime.getActiveActivityIds(instanceOf(early))).containsExactly("ThankYou");
        assertThat(versionOf(late)).isEqualTo(2);
        assertThat(runtime.getActiveActivityIds(instanceOf(late))).containsExactly("CallBack");

        String broken = waitingJourney(key, message, "CallBack").replace("targetRef=\"CallBack\"", "targetRef=\"Nowhere\"");
        ResponseEntity<String> refused = deploy(key + ".bpmn", broken);
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody()).contains("Nowhere");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult()
                .getVersion()).isEqualTo(2);
        String later = "later-" + UUID.randomUUID();
        correlator.correlate(new JourneySignal("v3-" + UUID.randomUUID(), later, List.of(), message, Map.of(), Instant.now()));
        assertThat(versionOf(later)).isEqualTo(2);
        assertThat(runtime.getActiveActivityIds(instanceOf(early))).containsExactly("ThankYou");
    }

    @Test
    void journeyDeployedSuspendedAndActivatedThroughTheApiIsInTheAuditLogWithWhoDidIt() throws Exception {
        String key = "audited-" + UUID.randomUUID().toString().substring(0, 8);
        String message = "Audited Event " + key;
        ResponseEntity<String> deployed = deployThroughApi(key + ".bpmn", waitingJourney(key, message, "ThankYou"));
        assertThat(deployed.getStatusCode()).as(deployed.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(json.readTree(deployed.getBody()).path("journeys").get(0).path("key").asText()).isEqualTo(key);

        assertThat(admin().postForEntity("/api/journeys/" + key + "/suspend", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        var whileSuspended = correlator.correlate(new JourneySignal("s-" + UUID.randomUUID(), "paused-" + UUID.randomUUID(),
                List.of(), message, Map.of(), Instant.now()));
        assertThat(whileSuspended.started()).isEmpty();
        assertThat(admin().postForEntity("/api/journeys/" + key + "/activate", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        var afterwards = correlator.correlate(new JourneySignal("a-" + UUID.randomUUID(), "resumed-" + UUID.randomUUID(),
                List.of(), message, Map.of(), Instant.now()));
        assertThat(afterwards.started()).containsExactly(key);

        var audit = getJson("/api/journeys/audit?key=" + key);
        assertThat(audit.findValuesAsText("operation"))
                .contains("Create", "SuspendProcessDefinition", "ActivateProcessDefinition");
        assertThat(audit.findValuesAsText("user")).containsOnly("admin");
        assertThat(admin().postForEntity("/api/journeys/no-such-journey/suspend", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void deploymentThroughTheApiOfABrokenFileIsRefusedNamingFileAndElement() throws Exception {
        String key = "api-broken-" + UUID.randomUUID().toString().substring(0, 8);
        String broken = waitingJourney(key, "Whatever", "ThankYou").replace("targetRef=\"ThankYou\"", "targetRef=\"Gone\"");

        ResponseEntity<String> refused = deployThroughApi(key + ".bpmn", broken);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        var problem = json.readTree(refused.getBody());
        assertThat(problem.path("errors").get(0).path("resource").asText()).isEqualTo(key + ".bpmn");
        assertThat(problem.path("errors").toString()).contains("Gone");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).count()).isZero();
    }

    private static String waitingJourney(String key, String message, String task) {
        return dev.baton.engine.testing.OneStepJourney.startsOn(key, message, task);
    }

    private String instanceOf(String lead) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(lead).singleResult().getId();
    }

    private int versionOf(String lead) {
        var instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(lead).singleResult();
        return repository.getProcessDefinition(instance.getProcessDefinitionId()).getVersion();
    }

    private ResponseEntity<String> deployThroughApi(String file, String bpmn) {
        var body = new LinkedMultiValueMap<String, Object>();
        body.add("files", bpmnFile(file, bpmn));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        return admin().postForEntity("/api/journeys/deployments", new HttpEntity<>(body, headers), String.class);
    }

    private static ByteArrayResource bpmnFile(String file, String bpmn) {
        return dev.baton.engine.testing.OneStepJourney.file(file, bpmn);
    }

    private ResponseEntity<String> deploy(String file, String bpmn) {
        var body = new LinkedMultiValueMap<String, Object>();
        body.add("deployment-name", file);
        body.add("deployment-source", "Camunda Modeler");
        body.add(file, bpmnFile(file, bpmn));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        return admin().postForEntity("/engine-rest/deployment/create", new HttpEntity<>(body, headers), String.class);
    }
}
