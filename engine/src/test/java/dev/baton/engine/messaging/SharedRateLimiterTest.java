package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.BatonSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Two nodes sending SMS through one provider account together stay within the account's limit. */
class SharedRateLimiterTest {

    @Test
    void twoNodesTogetherNeverTakeMoreSlotsInASecondThanTheLimit() throws Exception {
        // One database, as two engine nodes share Camunda's; each node has its own limiter and connections.
        String url = "jdbc:h2:mem:rate-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        BatonSchema.migrate(new DriverManagerDataSource(url, "sa", ""));
        SharedRateLimiter nodeA = new SharedRateLimiter(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")), "sms-twilio", 5);
        SharedRateLimiter nodeB = new SharedRateLimiter(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")), "sms-twilio", 5);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        List<Future<?>> work = new ArrayList<>();
        for (int sender = 0; sender < 6; sender++) {
            SharedRateLimiter node = sender % 2 == 0 ? nodeA : nodeB;
            work.add(senders.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    if (node.acquire(Duration.ofSeconds(30))) {
                        granted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        senders.shutdown();

        JdbcTemplate db = new JdbcTemplate(new DriverManagerDataSource(url, "sa", ""));
        assertThat(granted).hasValue(18);
        assertThat(db.queryForObject("SELECT SUM(used) FROM baton_rate_window WHERE name = 'sms-twilio'", Integer.class))
                .isEqualTo(18);
        assertThat(db.queryForObject("SELECT MAX(used) FROM baton_rate_window WHERE name = 'sms-twilio'", Integer.class))
                .isLessThanOrEqualTo(5);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM baton_rate_window WHERE name = 'sms-twilio'", Integer.class))
                .as("18 calls at 5 a second span at least 4 windows").isGreaterThanOrEqualTo(4);
    }

    @Test
    void callerThatCannotWaitForTheNextWindowIsToldNo() throws Exception {
        String url = "jdbc:h2:mem:rate-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        BatonSchema.migrate(new DriverManagerDataSource(url, "sa", ""));
        SharedRateLimiter limiter = new SharedRateLimiter(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")), "sms-aliyun", 1);

        // Whichever second this starts in, two slots at 1 a second without waiting cannot both be had.
        boolean first = limiter.acquire(Duration.ZERO);
        boolean second = limiter.acquire(Duration.ZERO);

        assertThat(first && second).isFalse();
    }
}
