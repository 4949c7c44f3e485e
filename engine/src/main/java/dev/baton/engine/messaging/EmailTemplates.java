package dev.baton.engine.messaging;

import dev.baton.connectors.email.EmailTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The email templates journeys name ({@code template = welcome}): {@code <name>.html} under
 * {@code dev/baton/processes/email/} on the classpath (the processes module ships them), its
 * {@code <title>} the subject, and {@code <name>.txt} the text part (derived from the HTML when
 * missing). Compiled once at start; a template that does not parse stops the start with its name.
 */
@Component
class EmailTemplates {
    private static final Logger log = LoggerFactory.getLogger(EmailTemplates.class);
    private static final String FOLDER = "classpath*:dev/baton/processes/email/";
    private static final Pattern TITLE = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private final Map<String, EmailTemplate> templates = new TreeMap<>();

    EmailTemplates() throws IOException {
        var resolver = new PathMatchingResourcePatternResolver();
        for (Resource html : resolver.getResources(FOLDER + "*.html")) {
            String file = html.getFilename();
            String name = file.substring(0, file.length() - ".html".length());
            String body = html.getContentAsString(StandardCharsets.UTF_8);
            Resource textFile = html.createRelative(name + ".txt");
            String text = textFile.exists() ? textFile.getContentAsString(StandardCharsets.UTF_8) : asText(body);
            Matcher title = TITLE.matcher(body);
            templates.put(name, new EmailTemplate(name, title.find() ? title.group(1).strip() : name, body, text));
        }
        log.info("Email templates: {}", templates.keySet());
    }

    /** The template of that name, or null. */
    public EmailTemplate get(String name) {
        return templates.get(name);
    }

    public java.util.Set<String> names() {
        return templates.keySet();
    }

    private static String asText(String html) {
        return html.replaceAll("(?is)<(head|style|script)\\b.*?</\\1>", "")
                .replaceAll("(?i)<br\\s*/?>|</p>|</h[1-6]>|</li>", "\n")
                .replaceAll("<[^>]+>", "")
                .replaceAll("[ \\t]+", " ")
                .replaceAll("\\n\\s*\\n+", "\n\n")
                .strip();
    }
}
