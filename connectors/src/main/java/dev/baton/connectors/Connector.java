package dev.baton.connectors;

/**
 * One provider behind one small interface: send a rendered message, get back the provider's id
 * or a classified failure. Implementations never throw for a provider's answer; they classify it.
 */
public interface Connector {
    /** The channel it serves ("email", "sms", "task") and, with it, the external-task topic. */
    String channel();

    SendResult send(OutboundMessage message);
}
