package dev.baton.engine.benchmarks;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * For benchmarks that measure something while other events flow: the ingest rate (events per
 * second from HTTP to stored through the whole pipeline, as the tracking benchmark measures it),
 * and an open-loop flow of page views at a chosen rate on a thread of its own, through
 * {@code /v1/batch} in batches of 20.
 */
final class BackgroundLoad implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 20;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param batch     posts a {@code /v1/batch} body, answers the HTTP status
     * @param caughtUp  whether the pipeline has handled everything sent so far
     */
    static double measureIngest(String run, int events, ToIntFunction<String> batch, Callable<Boolean> caughtUp) {
        long started = System.nanoTime();
        for (int from = 0; from < events; from += 500) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("batch");
            for (int i = from; i < Math.min(events, from + 500); i++) {
                items.addObject().put("type", "track").put("anonymousId", run + "-v" + (i % 1_000)).put("event", "Page Viewed")
                        .put("messageId", run + "-ingest-" + i).putObject("properties").put("category", "blog");
            }
            int status = batch.applyAsInt(body.toString());
            if (status != 200) {
                throw new IllegalStateException("the ingest measurement's batch got " + status);
            }
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(caughtUp);
        return events / ((System.nanoTime() - started) / 1e9);
    }

    /** Starts page views of anonymous visitors at {@code eventsPerSecond}, until closed. */
    static BackgroundLoad start(String run, double eventsPerSecond, ToIntFunction<String> batch) {
        return new BackgroundLoad(run, eventsPerSecond, batch);
    }

    private BackgroundLoad(String run, double eventsPerSecond, ToIntFunction<String> batch) {
        long interval = Math.round(BATCH * 1e9 / eventsPerSecond);
        thread = new Thread(() -> {
            long due = System.nanoTime();
            while (running) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the open loop's schedule, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                ObjectNode body = JSON.createObjectNode();
                ArrayNode items = body.putArray("batch");
                for (int i = 0; i < BATCH; i++) {
                    long n = sent.getAndIncrement();
                    items.addObject().put("type", "track").put("anonymousId", run + "-bg" + (n % 5_000)).put("event", "Page Viewed")
                            .put("messageId", run + "-bg-" + n).putObject("properties").put("category", "blog");
                }
                if (batch.applyAsInt(body.toString()) != 200) {
                    refused.addAndGet(BATCH);
                }
                due += interval;
            }
        }, "background-load");
        thread.setDaemon(true);
        thread.start();
    }

    long sent() {
        return sent.get();
    }

    long refused() {
        return refused.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
