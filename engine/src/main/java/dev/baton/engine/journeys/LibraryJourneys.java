package dev.baton.engine.journeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The library journeys ({@code processes/}: share-to-lead, nurture, sales handoff, wait for event)
 * are defaults. Deployed as the engine starts (before any consumer runs) when a journey of theirs
 * is missing, or when the library's file is one no version of the journey holds yet and the
 * latest version is the library's own; never over a version someone published since (Camunda
 * Modeler, the API, a builder): that one is kept and the log says so. A node of an older release
 * restarting during an upgrade finds its file among the versions and deploys nothing.
 */
@Component
class LibraryJourneys extends AbstractProcessEnginePlugin {
    /** Where library deployments come from (Camunda keeps it on each deployment). */
    static final String SOURCE = "Baton library";
    /** The name earlier versions of Baton deployed the library under (Camunda's Spring auto-deployment). */
    private static final String EARLIER_NAME = "SpringAutoDeployment";
    private static final Logger log = LoggerFactory.getLogger(LibraryJourneys.class);
    private final String location;

    LibraryJourneys(@Value("${baton.journeys.library:classpath*:dev/baton/processes/**/*.bpmn}") String location) {
        this.location = location;
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        try {
            deploy(engine.getRepositoryService(), new PathMatchingResourcePatternResolver().getResources(location));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the library journeys at " + location, e);
        }
    }

    /** What became of each file: deployed, unchanged, or kept (someone published a version of its own). */
    record Outcome(String file, String key, String what) {
    }

    List<Outcome> deploy(RepositoryService repository, Resource[] files) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        for (Resource file : files) {
            byte[] content = file.getContentAsByteArray();
            String name = file.getFilename();
            for (String key : executableKeys(content)) {
                ProcessDefinition latest = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult();
                String what;
                if (latest == null) {
                    what = "deployed";
                } else {
                    Deployment deployment = repository.createDeploymentQuery().deploymentId(latest.getDeploymentId()).singleResult();
                    boolean ours = deployment != null && (SOURCE.equals(deployment.getSource()) || EARLIER_NAME.equals(deployment.getName()));
                    if (!ours) {
                        what = "kept";
                        log.info("Journey {}: version {} was published since the library's (deployment '{}' from {}); the library's {}"
                                + " is not deployed over it", key, latest.getVersion(), deployment == null ? "?" : deployment.getName(),
                                deployment == null ? "?" : deployment.getSource(), name);
                    } else {
                        // A file the library deployed before (the latest, or an earlier one: a node of
                        // the previous release restarting during an upgrade) is never deployed again.
                        what = deployedBefore(repository, key, content) ? "unchanged" : "deployed";
                    }
                }
                outcomes.add(new Outcome(name, key, what));
            }
            List<String> ofFile = outcomes.stream().filter(o -> o.file().equals(name)).map(Outcome::what).toList();
            if (ofFile.contains("deployed") && !ofFile.contains("kept")) {
                // Two nodes starting together both get here: Camunda compares with the last deployment
                // of this name under its deployment lock, so the second deploys nothing.
                var deployed = repository.createDeployment().name("Baton library: " + name).source(SOURCE)
                        .enableDuplicateFiltering(false).addInputStream(name, new ByteArrayInputStream(content)).deployWithResult();
                var definitions = deployed.getDeployedProcessDefinitions() == null ? List.<ProcessDefinition>of()
                        : deployed.getDeployedProcessDefinitions();
                log.info("Library journey {} deployed: {}", name, definitions.isEmpty() ? "another node just did"
                        : definitions.stream().map(d -> d.getKey() + " v" + d.getVersion()).toList());
            }
        }
        return outcomes;
    }

    /** Whether any version of the journey holds exactly this file (newest first; usually the latest matches). */
    private static boolean deployedBefore(RepositoryService repository, String key, byte[] content) throws IOException {
        for (ProcessDefinition version : repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .orderByProcessDefinitionVersion().desc().list()) {
            try (InputStream stored = repository.getProcessModel(version.getId())) {
                if (Arrays.equals(stored.readAllBytes(), content)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> executableKeys(byte[] content) {
        return Bpmn.readModelFromStream(new ByteArrayInputStream(content)).getModelElementsByType(Process.class).stream()
                .filter(Process::isExecutable).map(Process::getId).toList();
    }
}
