package dev.baton.connectors;

import java.util.Map;
import java.util.Objects;

/**
 * A rendered message ready for a provider.
 *
 * @param idempotencyKey the same for every attempt at the same send (e.g. process instance and
 *                       activity): a connector never sends one key twice
 * @param leadId         whose message it is; feedback events are filed under it
 * @param to             an email address or an E.164 phone number
 * @param headers        extra headers (email) such as List-Unsubscribe
 */
public record OutboundMessage(String idempotencyKey, String leadId, String to, String subject, String html,
                              String text, Map<String, String> headers) {
    public OutboundMessage {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(to, "to");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
