package dev.baton.engine.security;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Prints where Baton answers, and the secrets generated on the first run (once, never again). */
@Component
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
    private final Credentials credentials;
    private final RepositoryService repository;
    private final Environment environment;

    StartupReport(Credentials credentials, RepositoryService repository, Environment environment) {
        this.credentials = credentials;
        this.repository = repository;
        this.environment = environment;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
            return;
        }
        String base = "http://localhost:" + web.getWebServer().getPort();
        StringBuilder report = new StringBuilder("\n\n  Baton is running\n")
                .append("    Console          ").append(base).append("/console/\n")
                .append("    Camunda webapps  ").append(base).append("/camunda/app/cockpit/\n")
                .append("    Camunda REST     ").append(base).append("/engine-rest  (Camunda Modeler deploy target)\n")
                .append("    Tracking API     ").append(base).append("/v1/track\n")
                .append("    API docs         ").append(base).append("/swagger-ui.html\n")
                .append("    Health           ").append(base).append("/actuator/health\n")
                .append("    Admin user       ").append(credentials.adminUser()).append('\n')
                .append("    SMTP             ").append(environment.getProperty("spring.mail.host")).append(':')
                .append(environment.getProperty("spring.mail.port")).append('\n')
                .append("    Journeys         ").append(String.join(", ", repository.createProcessDefinitionQuery()
                        .latestVersion().orderByProcessDefinitionKey().asc().list().stream()
                        .map(ProcessDefinition::getKey).toList())).append('\n');
        var generated = credentials.generatedThisRun();
        if (!generated.isEmpty()) {
            report.append("\n  Generated on this first run and shown only now (set BATON_ADMIN_PASSWORD / BATON_WRITE_KEY to choose):\n");
            generated.forEach(line -> report.append("    ").append(line).append('\n'));
        }
        log.info(report.toString());
    }
}
