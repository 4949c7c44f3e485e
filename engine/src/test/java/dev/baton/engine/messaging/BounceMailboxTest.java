package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.connectors.email.BounceReports;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A mail server that cannot deliver a journey's email sends a bounce report to the envelope
 * sender; Baton reads that mailbox, marks the address and tells the lead's timeline, and no email
 * goes to the address again.
 */
class BounceMailboxTest extends IntegrationTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    @Autowired RuntimeService runtime;
    @Autowired HistoryService history;

    @Test
    void bounceReportedByTheMailServerMarksTheAddressAndStopsLaterEmail() throws Exception {
        String email = "gone-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        track("{\"userId\":\"%s\",\"event\":\"Webinar Registered\",\"context\":{\"traits\":{\"email\":\"%s\"}}}"
                .formatted(email, email));
        awaitLead(email);
        runtime.startProcessInstanceByKey("baton-nurture", email);
        nurtureFirstDayPasses(email);
        MimeMessage sent = awaitMail(email, "How teams like yours do it");
        assertThat(sent.getHeader("Return-Path")[0]).contains("bounces@baton.local");

        // What the recipient's mail server sends back to the envelope sender.
        deliverToBounceMailbox(BounceReports.report("bounces@baton.local", email, sent.getMessageID(), "failed", "5.1.1"));

        await().atMost(STEP).until(() -> timeline(email).contains("Email Bounced"));
        String again = runtime.startProcessInstanceByKey("baton-nurture", email).getId();
        nurtureFirstDayPasses(email);
        await().atMost(STEP).until(() -> variable(again, "emailBlocked") != null);
        assertThat(variable(again, "emailBlocked")).isEqualTo("the email address bounced");
        assertThat(mailTo(email)).hasSize(1);
    }

    private String variable(String processInstanceId, String name) {
        var variable = history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName(name).singleResult();
        return variable == null ? null : String.valueOf(variable.getValue());
    }

    private static void deliverToBounceMailbox(String raw) throws Exception {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", TestServers.endpoints().smtpHost());
        smtp.put("mail.smtp.port", String.valueOf(TestServers.endpoints().smtpPort()));
        Session session = Session.getInstance(smtp);
        MimeMessage report = new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        Transport.send(report, new InternetAddress[] {new InternetAddress("bounces@baton.local")});
    }
}
