package dev.baton.connectors.email;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads bounces: delivery status notifications (RFC 3464, {@code multipart/report;
 * report-type=delivery-status}) that mail servers send to the envelope sender when a message
 * cannot be delivered. Only recipients whose {@code Action} is {@code failed} with a permanent
 * {@code Status} (5.x.x) bounced; a delay (4.x.x) is not a bounce.
 */
public final class DeliveryStatusNotifications {
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)");

    private DeliveryStatusNotifications() {
    }

    /**
     * One recipient that bounced.
     *
     * @param originalMessageId the Message-ID of the message that bounced (from the returned headers), or null
     */
    public record Bounce(String recipient, String status, String diagnostic, String originalMessageId) {
    }

    /** The hard bounces in a message; empty when it is not a delivery status notification. */
    public static List<Bounce> bouncesIn(Part message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report") || !(message.getContent() instanceof Multipart report)) {
            return List.of();
        }
        String status = null;
        String originalMessageId = null;
        for (int i = 0; i < report.getCount(); i++) {
            BodyPart part = report.getBodyPart(i);
            if (part.isMimeType("message/delivery-status")) {
                status = text(part);
            } else if (part.isMimeType("text/rfc822-headers") || part.isMimeType("message/rfc822")) {
                Matcher id = MESSAGE_ID.matcher(text(part));
                originalMessageId = id.find() ? id.group(1) : null;
            }
        }
        if (status == null) {
            return List.of();
        }
        List<Bounce> bounces = new ArrayList<>();
        // Blocks are separated by blank lines: the first is about the message, each next one a recipient.
        String[] blocks = status.replace("\r\n", "\n").split("\n\\s*\n");
        for (int b = 1; b < blocks.length; b++) {
            String recipient = field(blocks[b], "Final-Recipient");
            String action = field(blocks[b], "Action");
            String code = field(blocks[b], "Status");
            if (recipient != null && "failed".equalsIgnoreCase(action) && code != null && code.startsWith("5")) {
                String address = recipient.contains(";") ? recipient.substring(recipient.indexOf(';') + 1) : recipient;
                bounces.add(new Bounce(address.strip().toLowerCase(Locale.ROOT), code, field(blocks[b], "Diagnostic-Code"),
                        originalMessageId));
            }
        }
        return bounces;
    }

    private static String field(String block, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.+)$").matcher(block);
        return m.find() ? m.group(1).strip() : null;
    }

    /** The part's text, whatever Jakarta Mail made of it (a String, a stream, a nested message). */
    private static String text(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (content instanceof InputStream in) {
            in.transferTo(bytes);
        } else if (content instanceof Part nested) {
            nested.writeTo(bytes);
        } else {
            part.getInputStream().transferTo(bytes);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
