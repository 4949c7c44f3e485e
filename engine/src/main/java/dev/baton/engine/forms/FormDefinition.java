package dev.baton.engine.forms;

import java.util.List;

/**
 * A landing-page form: its fields, whether consent must be ticked, the country national phone
 * numbers belong to, and where a browser goes after a successful submit.
 *
 * @param defaultRegion ISO 3166 country for phone numbers written without +country (e.g. "GB")
 * @param successUrl    where a plain HTML form post is redirected (303) on success; JSON posts get 200
 */
record FormDefinition(String id, String name, List<FormField> fields, Consent consent, String defaultRegion,
                             String successUrl) {

    public FormDefinition {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** One input of the form. */
    public record FormField(String name, String label, FieldType type, boolean required) {
    }

    /** What an input holds: email and phone identify the visitor. */
    public enum FieldType { TEXT, EMAIL, PHONE, TEXTAREA, CHECKBOX, HIDDEN }

    /** @param required the form is refused unless the box is ticked */
    public record Consent(String text, boolean required) {
    }
}
