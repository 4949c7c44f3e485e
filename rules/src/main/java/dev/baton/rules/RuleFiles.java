package dev.baton.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The default rule files shipped in this module's resources. */
public final class RuleFiles {
    private RuleFiles() {
    }

    /** One file under {@code dev/baton/rules/<folder>/}, as a rule set of one file. */
    public static Map<String, String> bundled(String folder, String file) {
        String path = "/dev/baton/rules/" + folder + "/" + file;
        try (InputStream in = RuleFiles.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled rule file " + path);
            }
            return Map.of(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
