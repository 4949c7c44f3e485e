package dev.baton.connectors;

import java.time.Duration;

/**
 * At most so many calls a second to a provider: a caller over the limit waits for its turn
 * rather than provoking the provider's 429s. {@link #local} counts this node's calls; the engine
 * has one shared by every node (the limit is the provider account's, not a node's).
 */
public interface RateLimiter {

    /** Waits (at most {@code maxWait}) for a slot; false when none came in time. */
    boolean acquire(Duration maxWait) throws InterruptedException;

    /** A smooth token bucket in this JVM. */
    static RateLimiter local(double perSecond) {
        return new Local(perSecond);
    }

    final class Local implements RateLimiter {
        private final long intervalNanos;
        private long nextFree = System.nanoTime();

        Local(double perSecond) {
            if (perSecond <= 0) {
                throw new IllegalArgumentException("a rate limit must be positive, got " + perSecond);
            }
            this.intervalNanos = (long) (1_000_000_000L / perSecond);
        }

        @Override
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
}
