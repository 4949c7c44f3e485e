package dev.baton.engine.forms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.baton.engine.forms.FormDefinition.FieldType;
import dev.baton.engine.forms.FormDefinition.FormField;
import dev.baton.engine.forms.FormErrors.FieldError;
import dev.baton.engine.tracking.EventPublisher;
import dev.baton.engine.tracking.TrackingMessages;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Checks a form definition and a submission against it, then records the submission as a
 * {@code Form Submitted} event whose traits (email lower-cased, phone in E.164) identify the
 * visitor. Nothing is written unless every field is right.
 */
@Service
class FormSubmissions {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern FIELD_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_]{0,63}$");
    private static final Set<String> RESERVED = Set.of("anonymousId", "consent", "formId");
    private static final int MAX_VALUE_LENGTH = 2000;

    private final FormStore forms;
    private final EventPublisher publisher;
    private final TrackingMessages messages;
    private final ObjectMapper json;
    private final Clock clock;

    FormSubmissions(FormStore forms, EventPublisher publisher, TrackingMessages messages, ObjectMapper json, Clock clock) {
        this.forms = forms;
        this.publisher = publisher;
        this.messages = messages;
        this.json = json;
        this.clock = clock;
    }

    /** Saves a definition after checking it can identify someone and its fields are well named. */
    FormDefinition define(String id, FormDefinition form) {
        List<FieldError> errors = new ArrayList<>();
        if (!FIELD_NAME.matcher(id).matches()) {
            errors.add(new FieldError("id", "use letters, digits and _ (at most 64), starting with a letter"));
        }
        if (form.fields().isEmpty()) {
            errors.add(new FieldError("fields", "a form needs at least one field"));
        }
        for (int i = 0; i < form.fields().size(); i++) {
            FormField field = form.fields().get(i);
            if (field.name() == null || !FIELD_NAME.matcher(field.name()).matches() || RESERVED.contains(field.name())) {
                errors.add(new FieldError("fields[" + i + "].name", "use letters, digits and _, starting with a letter;"
                        + " not one of " + RESERVED));
            }
            if (field.type() == null) {
                errors.add(new FieldError("fields[" + i + "].type", "missing: use one of text, email, tel, textarea, checkbox, hidden"));
            }
        }
        if (form.fields().stream().noneMatch(f -> f.type() == FieldType.EMAIL || f.type() == FieldType.PHONE)) {
            errors.add(new FieldError("fields", "a form needs an email or tel (phone) field to identify who submits it"));
        }
        if (form.successUrl() != null && !form.successUrl().isBlank() && !isWebAddress(form.successUrl())) {
            errors.add(new FieldError("successUrl", "not an http(s) address: '" + form.successUrl() + "'"));
        }
        if (form.defaultRegion() != null && !PhoneNumberUtil.getInstance().getSupportedRegions()
                .contains(form.defaultRegion().toUpperCase(Locale.ROOT))) {
            errors.add(new FieldError("defaultRegion", "not an ISO 3166 country code: '" + form.defaultRegion() + "'"));
        }
        if (!errors.isEmpty()) {
            throw new FormErrors(errors);
        }
        FormDefinition saved = new FormDefinition(id, form.name(), form.fields(), form.consent(),
                form.defaultRegion() == null ? null : form.defaultRegion().toUpperCase(Locale.ROOT), form.successUrl(),
                form.successMessage());
        forms.put(saved);
        return saved;
    }

    FormDefinition form(String id) {
        return forms.get(id);
    }

    List<FormDefinition> all() {
        return forms.list();
    }

    /**
     * Validates the submitted values and records them.
     *
     * @param anonymousId the visitor's id (the tracking cookie), or null for a visitor Baton never saw
     * @return the visitor id the submission was recorded under
     */
    String submit(String formId, Map<String, String> values, String anonymousId) {
        FormDefinition form = forms.get(formId);
        List<FieldError> errors = new ArrayList<>();
        ObjectNode traits = json.createObjectNode();
        ObjectNode fields = json.createObjectNode();
        for (FormField field : form.fields()) {
            String value = values.getOrDefault(field.name(), "").strip();
            if (value.isEmpty()) {
                if (field.required()) {
                    errors.add(new FieldError(field.name(), (field.label() == null ? field.name() : field.label()) + " is required"));
                }
                continue;
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                errors.add(new FieldError(field.name(), "at most " + MAX_VALUE_LENGTH + " characters"));
                continue;
            }
            switch (field.type()) {
                case EMAIL -> {
                    if (EMAIL.matcher(value).matches()) {
                        traits.put("email", value.toLowerCase(Locale.ROOT));
                    } else {
                        errors.add(new FieldError(field.name(), "not an email address: '" + value + "'"));
                    }
                }
                case PHONE -> {
                    String e164 = e164(value, form.defaultRegion());
                    if (e164 == null) {
                        errors.add(new FieldError(field.name(), "not a phone number"
                                + (form.defaultRegion() == null ? " (write it with +country code)" : " for " + form.defaultRegion())
                                + ": '" + value + "'"));
                    } else {
                        traits.put("phone", e164);
                    }
                }
                case CHECKBOX -> fields.put(field.name(), isTicked(value));
                default -> {
                    fields.put(field.name(), value);
                    traits.put(field.name(), value);
                }
            }
        }
        boolean consented = isTicked(values.getOrDefault("consent", ""));
        if (form.consent() != null && form.consent().required() && !consented) {
            errors.add(new FieldError("consent", "consent is required: " + form.consent().text()));
        }
        if (!errors.isEmpty()) {
            throw new FormErrors(errors);
        }
        String visitor = anonymousId != null && !anonymousId.isBlank() ? anonymousId : UUID.randomUUID().toString();
        ObjectNode message = json.createObjectNode();
        message.put("anonymousId", visitor);
        message.put("event", "Form Submitted");
        ObjectNode properties = message.putObject("properties");
        properties.put("formId", form.id());
        properties.put("consent", consented);
        properties.set("fields", fields);
        message.putObject("context").set("traits", traits);
        publisher.publish(List.of(messages.accept("track", message, clock.instant())));
        return visitor;
    }

    static boolean isWebAddress(String address) {
        try {
            java.net.URI uri = new java.net.URI(address);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static boolean isTicked(String value) {
        return Set.of("on", "true", "yes", "1", "checked").contains(value.strip().toLowerCase(Locale.ROOT));
    }

    private static String e164(String raw, String region) {
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        try {
            Phonenumber.PhoneNumber number = phones.parse(raw, region == null ? "ZZ" : region);
            return phones.isValidNumber(number) ? phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }
}
