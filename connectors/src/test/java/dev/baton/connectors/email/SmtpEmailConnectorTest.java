package dev.baton.connectors.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.baton.connectors.LinkSigner;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Email against a real SMTP server (GreenMail, in this JVM): headers, both parts, signed links. */
class SmtpEmailConnectorTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

    private static final LinkSigner SIGNER = new LinkSigner("a-test-secret-of-some-length");
    private static final EmailTemplate WELCOME = new EmailTemplate("welcome",
            "Welcome, {{firstName}}",
            "<html><body><h1>Hi {{firstName}}</h1><p>Read <a href=\"https://example.com/guide?a=1&amp;b=2\">the guide</a>.</p></body></html>",
            "Hi {{firstName}}, read the guide: https://example.com/guide");

    private final EmailComposer composer = new EmailComposer("https://go.example.com/", SIGNER);

    private SmtpEmailConnector connector() {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(SMTP.getSmtp().getPort());
        return new SmtpEmailConnector(sender, "Baton Demo <news@baton.example>");
    }

    @Test
    void welcomeEmailArrivesWithTextAndHtmlPartsOneClickUnsubscribeHeadersAndTrackedLinks() throws Exception {
        OutboundMessage message = composer.compose("journey-1:SendWelcome", "lead-42", "ada@example.com", WELCOME,
                Map.of("firstName", "Ada"));

        SendResult result = connector().send(message);

        assertThat(result.isSent()).as(String.valueOf(result)).isTrue();
        MimeMessage received = SMTP.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("Welcome, Ada");
        assertThat(received.getFrom()[0].toString()).contains("news@baton.example");
        assertThat(received.getMessageID()).isEqualTo(result.providerId());
        assertThat(received.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        String listUnsubscribe = received.getHeader("List-Unsubscribe")[0];
        assertThat(listUnsubscribe).startsWith("<https://go.example.com/e/u/").endsWith(">");

        List<String> types = new ArrayList<>();
        String text = null;
        String html = null;
        MimeMultipart parts = alternative((MimeMultipart) received.getContent());
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            types.add(part.getContentType().split(";")[0].toLowerCase());
            if (part.isMimeType("text/plain")) {
                text = (String) part.getContent();
            } else if (part.isMimeType("text/html")) {
                html = (String) part.getContent();
            }
        }
        assertThat(types).containsExactly("text/plain", "text/html");
        String unsubscribeUrl = listUnsubscribe.substring(1, listUnsubscribe.length() - 1);
        assertThat(text).contains("Hi Ada", "Unsubscribe: " + unsubscribeUrl);
        assertThat(html).contains("<h1>Hi Ada</h1>", "<a href=\"" + unsubscribeUrl + "\">Unsubscribe</a>", "/e/o/");
        assertThat(html.indexOf("Unsubscribe")).as("footer inside the body").isLessThan(html.indexOf("</body>"));

        Matcher click = Pattern.compile("href=\"https://go.example.com/e/c/([^\"]+)\"").matcher(html);
        assertThat(click.find()).isTrue();
        assertThat(SIGNER.verify(click.group(1))).contains("click\nlead-42\njourney-1:SendWelcome\nhttps://example.com/guide?a=1&b=2");
        String unsubscribeToken = unsubscribeUrl.substring(unsubscribeUrl.lastIndexOf('/') + 1);
        assertThat(SIGNER.verify(unsubscribeToken)).contains("unsubscribe\nlead-42\njourney-1:SendWelcome\nada@example.com");
    }

    @Test
    void leadVariablesAreEscapedInTheHtmlPart() throws Exception {
        OutboundMessage message = composer.compose("k-escape", "lead-1", "eve@example.com", WELCOME,
                Map.of("firstName", "<script>alert(1)</script>"));

        assertThat(message.html()).contains("&lt;script&gt;").doesNotContain("<script>");
        assertThat(message.subject()).isEqualTo("Welcome, <script>alert(1)</script>");
    }

    @Test
    void forgedOrAlteredLinkTokensAreNotAccepted() {
        String token = SIGNER.sign("unsubscribe\nlead-1\nk\nada@example.com");
        String forged = new LinkSigner("another-secret-of-some-length").sign("unsubscribe\nlead-1\nk\nada@example.com");

        assertThat(SIGNER.verify(token)).isPresent();
        assertThat(SIGNER.verify(forged)).isEmpty();
        assertThat(SIGNER.verify(token.substring(0, token.length() - 2) + "xx")).isEmpty();
        assertThat(SIGNER.verify("garbage")).isEmpty();
    }

    @Test
    void invalidRecipientFailsPermanentlyWithoutContactingTheServer() {
        OutboundMessage message = composer.compose("k-bad", "lead-1", "not an address", WELCOME, Map.of());

        SendResult result = connector().send(message);

        assertThat(result.status()).isEqualTo(SendResult.Status.PERMANENT);
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void recipientTheServerRefusesForGoodIsUndeliverableABounce() throws Exception {
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // An SMTP server that knows no such mailbox: 550 to RCPT TO, as RFC 5321 says.
            Thread conversation = new Thread(() -> refuseRecipient(server));
            conversation.start();
            JavaMailSenderImpl sender = new JavaMailSenderImpl();
            sender.setHost("127.0.0.1");
            sender.setPort(server.getLocalPort());

            SendResult result = new SmtpEmailConnector(sender, "news@baton.example")
                    .send(composer.compose("k-gone", "lead-1", "gone@example.com", WELCOME, Map.of()));

            assertThat(result.status()).isEqualTo(SendResult.Status.UNDELIVERABLE);
            assertThat(result.reason()).contains("550", "User unknown");
            conversation.join(5_000);
        }
    }

    private static void refuseRecipient(java.net.ServerSocket server) {
        try (var socket = server.accept();
             var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                     java.nio.charset.StandardCharsets.US_ASCII));
             var out = new java.io.PrintWriter(socket.getOutputStream(), true, java.nio.charset.StandardCharsets.US_ASCII)) {
            out.print("220 mx.example.net ESMTP\r\n");
            out.flush();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.toUpperCase(java.util.Locale.ROOT);
                String reply = command.startsWith("EHLO") || command.startsWith("HELO") ? "250 mx.example.net"
                        : command.startsWith("MAIL") ? "250 2.1.0 Ok"
                        : command.startsWith("RCPT") ? "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"
                        : command.startsWith("QUIT") ? "221 2.0.0 Bye" : "250 Ok";
                out.print(reply + "\r\n");
                out.flush();
                if (command.startsWith("QUIT")) {
                    return;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void smtpServerThatIsDownIsARetryableFailure() {
        JavaMailSenderImpl nowhere = new JavaMailSenderImpl();
        nowhere.setHost("127.0.0.1");
        nowhere.setPort(1); // nothing listens there
        SmtpEmailConnector down = new SmtpEmailConnector(nowhere, "news@baton.example");

        SendResult result = down.send(composer.compose("k-down", "lead-1", "ada@example.com", WELCOME, Map.of()));

        assertThat(result.status()).isEqualTo(SendResult.Status.RETRYABLE);
    }

    @Test
    void templateThatDoesNotParseIsRefusedWhenMadeNamingThePart() {
        assertThatThrownBy(() -> new EmailTemplate("broken", "Hi {{#name}}", "<p>ok</p>", "ok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template broken, subject");
    }

    @Test
    void sameIdempotencyKeyGivesTheSameMessageId() {
        SmtpEmailConnector connector = connector();
        SendResult first = connector.send(composer.compose("same-key", "lead-1", "a@example.com", WELCOME, Map.of()));
        SendResult again = connector.send(composer.compose("same-key", "lead-1", "a@example.com", WELCOME, Map.of()));

        assertThat(first.providerId()).isEqualTo(again.providerId());
        assertThat(GreenMailUtil.getHeaders(SMTP.getReceivedMessages()[0])).contains(first.providerId());
    }

    /** The text/html alternative, whether at the top or inside a related/mixed wrapper. */
    private static MimeMultipart alternative(MimeMultipart multipart) throws Exception {
        if (multipart.getContentType().toLowerCase().startsWith("multipart/alternative")) {
            return multipart;
        }
        for (int i = 0; i < multipart.getCount(); i++) {
            Object content = multipart.getBodyPart(i).getContent();
            if (content instanceof MimeMultipart inner) {
                return alternative(inner);
            }
        }
        return multipart;
    }
}
