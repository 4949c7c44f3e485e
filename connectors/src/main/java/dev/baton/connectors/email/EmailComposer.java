package dev.baton.connectors.email;

import dev.baton.connectors.LinkSigner;
import dev.baton.connectors.OutboundMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a template and a lead into a trackable email: links rewritten through Baton (clicks come
 * back as {@code Email Clicked}), an open pixel, a visible unsubscribe link, and the
 * {@code List-Unsubscribe} / {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} headers
 * (RFC 8058) that mail clients show as an unsubscribe button. Every link carries a signed token,
 * so nobody can unsubscribe someone else or forge a click.
 *
 * <p>Token payloads are {@code kind \n leadId \n messageKey \n detail}, read back by the engine's
 * {@code /e/} endpoints.
 */
public final class EmailComposer {
    private static final Pattern LINK = Pattern.compile("(<a\\s[^>]*?href\\s*=\\s*\")(https?://[^\"]+)(\")",
            Pattern.CASE_INSENSITIVE);
    private final String baseUrl;
    private final LinkSigner signer;

    /** @param baseUrl where Baton's public endpoints are reached, e.g. {@code https://go.example.com} */
    public EmailComposer(String baseUrl, LinkSigner signer) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.signer = signer;
    }

    public OutboundMessage compose(String idempotencyKey, String leadId, String email, EmailTemplate template,
                                   Map<String, ?> variables) {
        EmailTemplate.Rendered rendered = template.render(variables);
        String unsubscribe = baseUrl + "/e/u/" + signer.sign(payload("unsubscribe", leadId, idempotencyKey, email));
        String open = baseUrl + "/e/o/" + signer.sign(payload("open", leadId, idempotencyKey, template.name()));
        String html = trackLinks(rendered.html(), leadId, idempotencyKey)
                + "\n<p style=\"font-size:12px;color:#666\"><a href=\"" + unsubscribe + "\">Unsubscribe</a></p>"
                + "\n<img src=\"" + open + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
        html = moveBeforeBodyEnd(html);
        String text = rendered.text().stripTrailing() + "\n\n--\nUnsubscribe: " + unsubscribe + "\n";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new OutboundMessage(idempotencyKey, leadId, email, rendered.subject(), html, text, headers);
    }

    private String trackLinks(String html, String leadId, String key) {
        Matcher matcher = LINK.matcher(html);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String target = matcher.group(2).replace("&amp;", "&");
            String tracked = baseUrl + "/e/c/" + signer.sign(payload("click", leadId, key, target));
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + tracked + matcher.group(3)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A full HTML document keeps its footer inside the body. */
    private static String moveBeforeBodyEnd(String html) {
        int body = html.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
        if (body < 0) {
            return html;
        }
        int footer = html.indexOf("\n<p style=\"font-size:12px", body);
        if (footer < 0) {
            return html;
        }
        return html.substring(0, body) + html.substring(footer) + "\n" + html.substring(body, footer);
    }

    static String payload(String kind, String leadId, String key, String detail) {
        return String.join("\n", kind, leadId == null ? "" : leadId, key, detail);
    }
}
