package dev.baton.engine.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Prints where Baton answers, and the secrets generated on the first run (once, never again). */
@Component
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
    private final Credentials credentials;

    StartupReport(Credentials credentials) {
        this.credentials = credentials;
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
                .append("    Admin user       ").append(credentials.adminUser()).append('\n');
        var generated = credentials.generatedThisRun();
        if (!generated.isEmpty()) {
            report.append("\n  Generated on this first run and shown only now (set BATON_ADMIN_PASSWORD / BATON_WRITE_KEY to choose):\n");
            generated.forEach(line -> report.append("    ").append(line).append('\n'));
        }
        log.info(report.toString());
    }
}
