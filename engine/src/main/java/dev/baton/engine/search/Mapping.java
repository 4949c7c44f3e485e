package dev.baton.engine.search;

import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One of Baton's mapping files and the version it declares in {@code _meta.version}: the version
 * says when an index must be rebuilt (reindexed) rather than extended in place.
 */
record Mapping(String name, int version, TypeMapping body) {

    /** Where mapping JSON comes from: the classpath in production, anything a test likes otherwise. */
    @FunctionalInterface
    interface Source {
        /** The JSON of {@code elasticsearch/<name>-mapping.json} (or the test's stand-in for it). */
        String json(String name);

        Source CLASSPATH = Mapping::resource;
    }

    static Mapping of(String name, String json) {
        TypeMapping body = TypeMapping.of(m -> m.withJson(new StringReader(json)));
        return new Mapping(name, versionOf(body)
                .orElseThrow(() -> new IllegalStateException("mapping " + name + " declares no _meta.version")), body);
    }

    /** The version a mapping (a file's, or one read back from an index) declares, if any. */
    static java.util.OptionalInt versionOf(TypeMapping mapping) {
        JsonData version = mapping == null ? null : mapping.meta().get("version");
        return version == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(version.to(Integer.class));
    }

    private static String resource(String name) {
        String resource = "elasticsearch/" + name + "-mapping.json";
        try (InputStream in = Mapping.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
