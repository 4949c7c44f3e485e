package dev.baton.engine.forms;

import java.util.List;

/**
 * A landing-page form: its fields, whether consent must be ticked, the country national phone
 * numbers belong to, and where a browser goes after a successful submit.
 *
 * @param defaultRegion ISO 3166 country for phone numbers written without +country (e.g. "GB")
 * @param successUrl    where a plain HTML form post is redirected (303) on success; JSON posts get 200
 * @param successMessage what Baton's thank-you page says after a browser's post when there is no
 *                      {@code successUrl} (a default when null)
 */
record FormDefinition(String id, String name, List<FormField> fields, Consent consent, String defaultRegion,
                             String successUrl, String successMessage) {

    public FormDefinition {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** One input of the form. */
    public record FormField(String name, String label, FieldType type, boolean required) {
    }

    /**
     * What an input holds: email and phone identify the visitor. Written as HTML writes an input's
     * type ({@code email}, {@code tel}, ...) or as the constant's name, in any case.
     */
    public enum FieldType {
        TEXT("text"), EMAIL("email"), PHONE("tel"), TEXTAREA("textarea"), CHECKBOX("checkbox"), HIDDEN("hidden");

        private final String html;

        FieldType(String html) {
            this.html = html;
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        static FieldType of(String written) {
            for (FieldType type : values()) {
                if (type.name().equalsIgnoreCase(written) || type.html.equalsIgnoreCase(written)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("'" + written + "' is not a field type: use one of "
                    + java.util.Arrays.stream(values()).map(t -> t.html).toList());
        }
    }

    /** @param required the form is refused unless the box is ticked */
    public record Consent(String text, boolean required) {
    }
}
