package dev.baton.engine.journeys;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.camunda.bpm.engine.EntityTypes;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Deploying, suspending and resuming journeys in Baton's own API, and the audit log of all three.
 * The audit log is Camunda's user operation log: every change made here, through
 * {@code /engine-rest} (Camunda Modeler's Deploy) or in Cockpit is in it, with who and when, so
 * there is one trail whichever door a change came through.
 */
@RestController
@RequestMapping("/api/journeys")
@Tag(name = "Journeys")
class JourneyAdministration {
    private static final Logger log = LoggerFactory.getLogger(JourneyAdministration.class);
    private static final Set<String> AUDITED = Set.of(EntityTypes.DEPLOYMENT, EntityTypes.PROCESS_DEFINITION);
    private final RepositoryService repository;
    private final IdentityService identity;
    private final HistoryService history;

    private final JourneyDrafts drafts;

    JourneyAdministration(RepositoryService repository, IdentityService identity, HistoryService history, JourneyDrafts drafts) {
        this.repository = repository;
        this.identity = identity;
        this.history = history;
        this.drafts = drafts;
    }

    @Operation(summary = "Check a journey (one BPMN file) as deploying it would, and more, deploying nothing",
            description = "Runs the engine's parse with Baton's checks (worker topics), then looks for steps nothing leads to,"
                    + " waits for a lead's action with no time limit, templates and segments that do not exist. Each problem"
                    + " names its element (for a builder to mark), is an error (deploying would fail, or the step cannot"
                    + " work: an unknown template or segment) or a warning (steps nothing reaches, waits with no way out),"
                    + " and says what to do. 200 whatever it found; deployable is false when any problem is an error.")
    @PostMapping(path = "/validate", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE, "application/bpmn+xml",
            MediaType.TEXT_PLAIN_VALUE})
    JourneyDrafts.Checked validate(@org.springframework.web.bind.annotation.RequestBody String bpmn) {
        return drafts.check(bpmn);
    }

    record Deployed(String deploymentId, String name, Instant deployedAt, List<Definition> journeys) {
    }

    record Definition(String key, String name, int version, String id) {
    }

    record AuditEntry(Instant at, String user, String operation, String entity, String journey, String deploymentId,
                      String property, String newValue) {
    }

    @Operation(summary = "Deploy journeys (BPMN files) as Camunda Modeler does; unchanged files are not redeployed",
            description = "A file that does not parse, or names an external-task topic no worker serves, is refused "
                    + "with 400 naming the file and element; nothing of the deployment is kept and the running "
                    + "versions keep running. A new version applies to new instances; running ones stay on theirs.")
    @PostMapping(path = "/deployments", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Deployed deploy(@RequestPart("files") List<MultipartFile> files,
                    @RequestParam(name = "name", defaultValue = "journeys") String name) throws IOException {
        DeploymentBuilder deployment = repository.createDeployment().name(name).source("Baton API")
                .enableDuplicateFiltering(true);
        for (MultipartFile file : files) {
            String resource = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank()
                    ? file.getName() + ".bpmn" : file.getOriginalFilename();
            deployment.addInputStream(resource, file.getInputStream());
        }
        DeploymentWithDefinitions deployed = asCurrentUser(deployment::deployWithResult);
        List<Definition> journeys = new ArrayList<>();
        for (ProcessDefinition definition : deployed.getDeployedProcessDefinitions() == null
                ? List.<ProcessDefinition>of() : deployed.getDeployedProcessDefinitions()) {
            journeys.add(new Definition(definition.getKey(), definition.getName(), definition.getVersion(),
                    definition.getId()));
        }
        log.info("Deployment {} '{}' by {}: {}", deployed.getId(), name, currentUser(), journeys.isEmpty()
                ? "no changes" : journeys.stream().map(d -> d.key() + " v" + d.version()).toList());
        return new Deployed(deployed.getId(), deployed.getName(), deployed.getDeploymentTime().toInstant(), journeys);
    }

    @Operation(summary = "Suspend a journey: no lead enters it and its running instances pause where they are")
    @PostMapping("/{key}/suspend")
    void suspend(@PathVariable String key) {
        requireJourney(key);
        asCurrentUser(() -> {
            repository.suspendProcessDefinitionByKey(key, true, null);
            return null;
        });
        log.info("Journey {} suspended by {}", key, currentUser());
    }

    @Operation(summary = "Resume a suspended journey: leads enter it again and paused instances continue")
    @PostMapping("/{key}/activate")
    void activate(@PathVariable String key) {
        requireJourney(key);
        asCurrentUser(() -> {
            repository.activateProcessDefinitionByKey(key, true, null);
            return null;
        });
        log.info("Journey {} activated by {}", key, currentUser());
    }

    @Operation(summary = "Audit log of journey deployments, suspensions and activations, newest first",
            description = "Includes deployments through /engine-rest (Camunda Modeler) and changes made in Cockpit.")
    @GetMapping("/audit")
    List<AuditEntry> audit(@Parameter(description = "only this journey (process key)") @RequestParam(required = false) String key,
                           @RequestParam(defaultValue = "100") int limit) {
        // A deployment's entries name its deployment, not the journeys in it: match those by deployment id.
        Set<String> deploymentsOfKey = key == null ? Set.of() : new java.util.HashSet<>(repository
                .createProcessDefinitionQuery().processDefinitionKey(key).list().stream()
                .map(ProcessDefinition::getDeploymentId).toList());
        List<AuditEntry> entries = new ArrayList<>();
        int wanted = Math.max(1, Math.min(limit, 1000));
        for (String entityType : AUDITED) {
            for (UserOperationLogEntry entry : history.createUserOperationLogQuery().entityType(entityType)
                    .orderByTimestamp().desc().listPage(0, 5000)) {
                if (key == null || key.equals(entry.getProcessDefinitionKey()) || deploymentsOfKey.contains(entry.getDeploymentId())) {
                    entries.add(new AuditEntry(entry.getTimestamp().toInstant(), entry.getUserId(), entry.getOperationType(),
                            entry.getEntityType(), entry.getProcessDefinitionKey(), entry.getDeploymentId(),
                            entry.getProperty(), entry.getNewValue()));
                }
            }
        }
        entries.sort(java.util.Comparator.comparing(AuditEntry::at).reversed());
        return entries.size() > wanted ? entries.subList(0, wanted) : entries;
    }

    private void requireJourney(String key) {
        if (repository.createProcessDefinitionQuery().processDefinitionKey(key).count() == 0) {
            throw new JourneyNotFoundException(key);
        }
    }

    /** Camunda records in its user operation log only what an authenticated user did. */
    private <T> T asCurrentUser(Supplier<T> change) {
        identity.setAuthenticatedUserId(currentUser());
        try {
            return change.get();
        } finally {
            identity.clearAuthentication();
        }
    }

    private static String currentUser() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null ? "system" : authentication.getName();
    }
}
