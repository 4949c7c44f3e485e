package dev.baton.connectors.email;

import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Email over SMTP with Spring's mail support: a multipart/alternative message (text and HTML),
 * the composer's headers, and a Message-ID derived from the idempotency key, so that if a send
 * is ever repeated, receiving systems see the same message. SMTP answers are classified: 4xx and
 * connection trouble are retryable; a recipient the server refuses for good (550/551/553 to
 * RCPT TO: no such mailbox) is undeliverable, a bounce; other 5xx (content rejected) permanent.
 */
public final class SmtpEmailConnector implements Connector {
    private static final Logger log = LoggerFactory.getLogger(SmtpEmailConnector.class);
    private static final java.util.Set<Integer> BOUNCE_CODES = java.util.Set.of(550, 551, 553);
    private final JavaMailSender mail;
    private final InternetAddress from;

    public SmtpEmailConnector(JavaMailSender mail, String from) {
        this.mail = mail;
        try {
            this.from = new InternetAddress(from, true);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("not a valid sender address: " + from, e);
        }
    }

    @Override
    public String channel() {
        return "email";
    }

    @Override
    public SendResult send(OutboundMessage message) {
        return sendAll(java.util.List.of(message)).get(0);
    }

    /** Over one SMTP connection: a broadcast's poll costs one connect, not one per message. */
    @Override
    public java.util.List<SendResult> sendAll(java.util.List<OutboundMessage> messages) {
        SendResult[] results = new SendResult[messages.size()];
        java.util.List<MimeMessage> mimes = new java.util.ArrayList<>();
        java.util.Map<MimeMessage, Integer> positions = new java.util.IdentityHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            OutboundMessage message = messages.get(i);
            String messageId = "<" + hash(message.idempotencyKey()) + "@" + from.getAddress().replaceFirst(".*@", "") + ">";
            try {
                MimeMessage mime = new IdentifiedMimeMessage(mail.createMimeMessage(), messageId);
                MimeMessageHelper helper = new MimeMessageHelper(mime, true, StandardCharsets.UTF_8.name());
                helper.setFrom(from);
                helper.setTo(new InternetAddress(message.to(), true));
                helper.setSubject(message.subject());
                helper.setText(message.text(), message.html());
                for (var header : message.headers().entrySet()) {
                    mime.setHeader(header.getKey(), header.getValue());
                }
                mimes.add(mime);
                positions.put(mime, i);
                results[i] = SendResult.sent(messageId);
            } catch (jakarta.mail.internet.AddressException e) {
                results[i] = SendResult.permanent("not a valid email address: " + message.to());
            } catch (MessagingException e) {
                results[i] = SendResult.permanent("the message could not be built: " + e.getMessage());
            }
        }
        if (mimes.isEmpty()) {
            return java.util.List.of(results);
        }
        try {
            mail.send(mimes.toArray(MimeMessage[]::new));
        } catch (MailSendException e) {
            // Per message: those not in the failed map went out. A connection that failed fails them all.
            if (e.getFailedMessages().isEmpty()) {
                mimes.forEach(mime -> results[positions.get(mime)] = classify(e));
            }
            e.getFailedMessages().forEach((failed, cause) -> {
                Integer position = failed instanceof MimeMessage mime ? positions.get(mime) : null;
                if (position != null) {
                    results[position] = classify(cause);
                }
            });
        } catch (MailException e) {
            SendResult failure = failure(e);
            mimes.forEach(mime -> results[positions.get(mime)] = failure);
        }
        return java.util.List.of(results);
    }

    /** Trouble before any message went: the login refused, the server unreachable; retryable. */
    private static SendResult failure(MailException e) {
        return SendResult.retryable(e instanceof MailAuthenticationException
                ? "the SMTP server refused our login (check the mail settings): " + e.getMessage()
                : "SMTP unavailable: " + e.getMessage());
    }

    /** One message's failure: an address the server refuses for good is a bounce, other 5xx permanent, 4xx retryable. */
    private static SendResult classify(Exception failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            int code = cause instanceof SMTPAddressFailedException a ? a.getReturnCode()
                    : cause instanceof SMTPSendFailedException s ? s.getReturnCode() : 0;
            if (cause instanceof SMTPAddressFailedException && BOUNCE_CODES.contains(code)) {
                log.info("SMTP bounced the recipient ({}): {}", code, cause.getMessage());
                return SendResult.undeliverable("SMTP " + code + ": " + cause.getMessage().strip());
            }
            if (code >= 500) {
                log.info("SMTP refused the message for good ({}): {}", code, cause.getMessage());
                return SendResult.permanent("SMTP " + code + ": " + cause.getMessage().strip());
            }
            if (code >= 400) {
                return SendResult.retryable("SMTP " + code + ": " + cause.getMessage().strip());
            }
        }
        return SendResult.retryable("SMTP send failed: " + failed.getMessage());
    }

    private static String hash(String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the Message-ID we chose (Jakarta Mail would otherwise make a new one on save). */
    private static final class IdentifiedMimeMessage extends MimeMessage {
        private final String messageId;

        IdentifiedMimeMessage(MimeMessage source, String messageId) {
            super(source.getSession());
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
