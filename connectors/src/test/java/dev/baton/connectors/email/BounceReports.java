package dev.baton.connectors.email;

/** Delivery status notifications as a mail server writes them (RFC 3464; modelled on Postfix's). */
public final class BounceReports {
    private BounceReports() {
    }

    /** A raw RFC 5322 message reporting what happened to a message for {@code recipient}. */
    public static String report(String to, String recipient, String originalMessageId, String action, String status) {
        return """
                From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
                To: %1$s
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <dsn-%2$s@mx.example.net>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

                --B0UND
                Content-Type: text/plain; charset=us-ascii

                I'm sorry to have to inform you that your message could not be delivered.

                --B0UND
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.net
                Arrival-Date: Mon, 23 Nov 2026 10:00:00 +0000

                Final-Recipient: rfc822; %3$s
                Original-Recipient: rfc822;%3$s
                Action: %5$s
                Status: %6$s
                Diagnostic-Code: smtp; 550 5.1.1 <%3$s>: Recipient address rejected: User unknown

                --B0UND
                Content-Type: text/rfc822-headers

                From: Baton <news@baton.local>
                To: %3$s
                Subject: Welcome
                Message-ID: %4$s

                --B0UND--
                """.formatted(to, Integer.toHexString(recipient.hashCode()) + action, recipient, originalMessageId,
                action, status).replace("\n", "\r\n");
    }
}
