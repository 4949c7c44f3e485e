package dev.baton.engine.messaging;

import dev.baton.connectors.RateLimiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A rate limit every node shares: calls are counted per one-second window in a row of the
 * Camunda database ({@code baton_rate_window}), which every node already uses. Taking a slot is
 * one conditional UPDATE ({@code used < limit}), atomic in the database, so N nodes together
 * never exceed the provider account's limit. Windows older than a minute are deleted as new ones
 * are opened.
 */
final class SharedRateLimiter implements RateLimiter {
    private final JdbcTemplate jdbc;
    private final String name;
    private final int perSecond;
    private final AtomicLong lastCleanup = new AtomicLong();

    SharedRateLimiter(JdbcTemplate jdbc, String name, double perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a shared rate limit counts whole calls a second, got " + perSecond);
        }
        this.jdbc = jdbc;
        this.name = name;
        this.perSecond = (int) perSecond;
    }

    @Override
    public boolean acquire(Duration maxWait) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWait.toMillis();
        while (true) {
            long now = System.currentTimeMillis();
            long window = now / 1000;
            if (jdbc.update("UPDATE baton_rate_window SET used = used + 1 WHERE name = ? AND window_start = ? AND used < ?",
                    name, window, perSecond) == 1) {
                return true;
            }
            try {
                jdbc.update("INSERT INTO baton_rate_window (name, window_start, used) VALUES (?, ?, 1)", name, window);
                cleanUp(window);
                return true;
            } catch (DuplicateKeyException full) {
                // Another caller opened this window first, and it is full by now (or will be): wait for the next.
            }
            long nextWindow = (window + 1) * 1000;
            if (nextWindow > deadline) {
                return false;
            }
            Thread.sleep(Math.max(1, nextWindow - System.currentTimeMillis()));
        }
    }

    private void cleanUp(long window) {
        long previous = lastCleanup.get();
        if (window - previous >= 60 && lastCleanup.compareAndSet(previous, window)) {
            jdbc.update("DELETE FROM baton_rate_window WHERE name = ? AND window_start < ?", name, window - 60);
        }
    }
}
