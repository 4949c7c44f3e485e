package dev.baton.connectors;

/**
 * What a provider made of a send: accepted (with its id for the message), or failed, either for
 * now (try again later: timeouts, 429, 5xx) or for good (bad address, rejected content).
 */
public record SendResult(Status status, String providerId, String reason) {
    public enum Status { SENT, RETRYABLE, PERMANENT }

    public static SendResult sent(String providerId) {
        return new SendResult(Status.SENT, providerId, null);
    }

    public static SendResult retryable(String reason) {
        return new SendResult(Status.RETRYABLE, null, reason);
    }

    public static SendResult permanent(String reason) {
        return new SendResult(Status.PERMANENT, null, reason);
    }

    public boolean isSent() {
        return status == Status.SENT;
    }
}
