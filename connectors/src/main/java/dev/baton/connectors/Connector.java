package dev.baton.connectors;

/**
 * One provider behind one small interface: send a rendered message, get back the provider's id
 * or a classified failure. Implementations never throw for a provider's answer; they classify it.
 */
public interface Connector {
    /** The channel it serves ("email", "sms", "task") and, with it, the external-task topic. */
    String channel();

    SendResult send(OutboundMessage message);

    /**
     * Sends several messages, each classified as {@link #send} would, in the same order. A
     * provider that can take them over one connection (SMTP) overrides this; by default, one by one.
     */
    default java.util.List<SendResult> sendAll(java.util.List<OutboundMessage> messages) {
        return messages.stream().map(this::send).toList();
    }
}
