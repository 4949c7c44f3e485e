package dev.baton.connectors;

/**
 * What a provider made of a send: accepted (with its id for the message), failed for now (try
 * again later: 429, 5xx, unreachable) or for good (rejected content, bad configuration), the
 * address can never receive (a bounce: unknown mailbox, not a mobile number; the address is to be
 * marked so nothing is sent to it again), or unknown (a timeout: the provider may have acted;
 * sending again may send twice).
 */
public record SendResult(Status status, String providerId, String reason) {
    public enum Status { SENT, RETRYABLE, PERMANENT, UNDELIVERABLE, UNKNOWN }

    public static SendResult sent(String providerId) {
        return new SendResult(Status.SENT, providerId, null);
    }

    public static SendResult retryable(String reason) {
        return new SendResult(Status.RETRYABLE, null, reason);
    }

    public static SendResult permanent(String reason) {
        return new SendResult(Status.PERMANENT, null, reason);
    }

    /** The provider says this address does not exist or cannot receive this channel: a bounce. */
    public static SendResult undeliverable(String reason) {
        return new SendResult(Status.UNDELIVERABLE, null, reason);
    }

    public static SendResult unknown(String reason) {
        return new SendResult(Status.UNKNOWN, null, reason);
    }

    public boolean isSent() {
        return status == Status.SENT;
    }
}
