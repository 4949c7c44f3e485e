package dev.baton.connectors;

import java.time.Duration;

/**
 * At most {@code perSecond} calls a second to a provider from this node (a smooth token bucket):
 * a caller over the limit waits for its turn rather than provoking the provider's 429s.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private long nextFree = System.nanoTime();

    public RateLimiter(double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("a rate limit must be positive, got " + perSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / perSecond);
    }

    /** Waits (at most {@code maxWait}) for a slot; false when none came in time. */
    public boolean acquire(Duration maxWait) throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFree);
            wait = slot - now;
            if (wait > maxWait.toNanos()) {
                return false;
            }
            nextFree = slot + intervalNanos;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return true;
    }
}
