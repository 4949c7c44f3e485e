package dev.baton.connectors.email;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DeliveryStatusNotificationsTest {

    @Test
    void failedDeliveryWithPermanentStatusIsABounceOfItsRecipientAndNamesTheMessage() throws Exception {
        MimeMessage report = parse(BounceReports.report("bounces@baton.local", "Gone@Example.com", "<abc@baton.local>",
                "failed", "5.1.1"));

        var bounces = DeliveryStatusNotifications.bouncesIn(report);

        assertThat(bounces).singleElement().satisfies(bounce -> {
            assertThat(bounce.recipient()).isEqualTo("gone@example.com");
            assertThat(bounce.status()).isEqualTo("5.1.1");
            assertThat(bounce.diagnostic()).contains("User unknown");
            assertThat(bounce.originalMessageId()).isEqualTo("<abc@baton.local>");
        });
    }

    @Test
    void delayedDeliveryIsNotABounce() throws Exception {
        MimeMessage report = parse(BounceReports.report("bounces@baton.local", "slow@example.com", "<abc@baton.local>",
                "delayed", "4.4.1"));

        assertThat(DeliveryStatusNotifications.bouncesIn(report)).isEmpty();
    }

    @Test
    void ordinaryMailIsNotABounce() throws Exception {
        MimeMessage reply = parse("From: a@example.com\r\nTo: bounces@baton.local\r\nSubject: hi\r\n\r\nthanks\r\n");

        assertThat(DeliveryStatusNotifications.bouncesIn(reply)).isEmpty();
    }

    private static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }
}
