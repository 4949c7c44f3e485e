package dev.baton.connectors.email;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.util.Map;

/**
 * An email template with lead variables ({@code {{firstName}}}): Mustache, logic-less, so a
 * marketer's template runs no code. In the HTML part every variable is HTML-escaped; subject and
 * text parts are plain. A template that does not parse is refused when it is made, not when sent.
 */
public final class EmailTemplate {
    private static final Mustache.Compiler HTML = Mustache.compiler().defaultValue("").escapeHTML(true);
    private static final Mustache.Compiler PLAIN = Mustache.compiler().defaultValue("").escapeHTML(false);
    private final String name;
    private final Template subject;
    private final Template html;
    private final Template text;

    public EmailTemplate(String name, String subject, String html, String text) {
        this.name = name;
        this.subject = compile(PLAIN, name, "subject", subject);
        this.html = compile(HTML, name, "html", html);
        this.text = compile(PLAIN, name, "text", text);
    }

    private static Template compile(Mustache.Compiler compiler, String name, String part, String source) {
        try {
            return compiler.compile(source == null ? "" : source);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("template " + name + ", " + part + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** Subject, HTML and text with the variables filled in. */
    public Rendered render(Map<String, ?> variables) {
        return new Rendered(subject.execute(variables).strip(), html.execute(variables), text.execute(variables));
    }

    public record Rendered(String subject, String html, String text) {
    }
}
