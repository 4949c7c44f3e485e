package dev.baton.engine.journeys;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A Camunda external-task worker for one topic. Every node runs one per topic (fetch-and-lock
 * shares the tasks out). A failed attempt is retried with doubling backoff while retries last
 * (Cockpit shows the count), then it becomes an incident; a failure that no retry can fix is an
 * incident at once. Elasticsearch or Kafka being away is retried like any other failure.
 */
public abstract class TopicWorker {
    private static final Logger log = LoggerFactory.getLogger(TopicWorker.class);
    private final ExternalTaskService tasks;
    private final Workers settings;
    private volatile String workerId;
    /** Tasks fetched and locked per poll. */
    static final int BATCH = 10;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile boolean again;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Where woken polls run: they must not wait behind the scheduler's other tasks. */
    private static final ExecutorService WAKE_UPS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "worker-wake-up");
        thread.setDaemon(true);
        return thread;
    });
    /** False on a node that only takes events in ({@code baton.workers.enabled}); other nodes do the work. */
    @Value("${baton.workers.enabled:true}")
    private boolean enabled = true;

    /**
     * Retries, backoff and lock of every worker ({@code baton.workers.*}).
     *
     * @param lanes how many leads' tasks of one fetched batch a worker that allows it ({@link #inLanes})
     *              does at once; one lead's tasks always one after the other
     */
    public record Workers(int maxRetries, Duration firstBackoff, Duration lock, int lanes) {
        public Workers {
            lanes = Math.max(1, lanes);
        }
    }

    /** Where a batch's lanes run (created on first use, for workers that work in lanes). */
    private volatile ExecutorService laneThreads;

    protected TopicWorker(ExternalTaskService tasks, Workers settings) {
        this.tasks = tasks;
        this.settings = settings;
    }

    /**
     * Whether the tasks of different leads may be done at once (one lane per lead, up to
     * {@code baton.workers.lanes}). Workers whose tasks wait on I/O per task (a send: lead, guards,
     * provider, delivery log) say yes; workers whose tasks compete for one shared thing (assigning
     * reps by load) keep one lane, as one lead's tasks always do.
     */
    protected boolean inLanes() {
        return false;
    }

    /** How this worker signs its task locks (Camunda's history shows who did each task). */
    public String workerId() {
        if (workerId == null) {
            workerId = "baton-" + topic() + "@" + ProcessHandle.current().pid() + "-"
                    + Integer.toHexString(System.identityHashCode(this));
        }
        return workerId;
    }

    /** The external-task topic served. */
    protected abstract String topic();

    /** Does one task: completes it, or reports its failure ({@link #fail}). */
    protected abstract void handle(LockedExternalTask task) throws IOException;

    /**
     * Every worker polls on the same schedule (Spring finds this annotation on each subclass bean),
     * and at once when a step for it was just made on this node ({@link TaskWakeUps}). One poll of
     * a worker runs at a time; a wake-up during one makes it poll again when it is done.
     */
    @Scheduled(fixedDelayString = "${baton.workers.poll-interval:500ms}")
    void poll() {
        if (!enabled) {
            return;
        }
        if (!polling.compareAndSet(false, true)) {
            again = true;
            return;
        }
        try {
            boolean full;
            do {
                again = false;
                // A full batch means more may wait: fetched again at once, not after the poll interval.
                full = pollOnce() == BATCH;
            } while ((again || full) && !Thread.currentThread().isInterrupted());
        } finally {
            polling.set(false);
        }
    }

    /** Polls now, on a thread of its own (called after the commit that made a step for this topic). */
    void wake() {
        // At most one woken poll waits per worker, however many steps were made meanwhile.
        if (enabled && wakePending.compareAndSet(false, true)) {
            WAKE_UPS.execute(() -> {
                wakePending.set(false);
                poll();
            });
        }
    }

    /** @return how many tasks it fetched */
    private int pollOnce() {
        List<LockedExternalTask> locked;
        try {
            locked = tasks.fetchAndLock(BATCH, workerId()).topic(topic(), settings.lock().toMillis()).execute();
        } catch (RuntimeException e) {
            log.warn("Fetching {} tasks failed, will try again: {}", topic(), e.getMessage());
            return 0;
        }
        if (!inLanes() || locked.isEmpty()) {
            locked.forEach(this::handleOrFail);
            return locked.size();
        }
        Collection<List<LockedExternalTask>> lanes;
        try {
            lanes = lanes(locked);
        } catch (RuntimeException e) {
            log.warn("Could not tell whose {} tasks these are ({}); doing them one after the other", topic(), e.getMessage());
            lanes = List.of(locked);
        }
        if (lanes.size() == 1 || settings.lanes() == 1) {
            lanes.forEach(lane -> lane.forEach(this::handleOrFail));
            return locked.size();
        }
        List<Future<?>> running = new ArrayList<>();
        for (List<LockedExternalTask> lane : lanes) {
            running.add(laneThreads().submit(() -> lane.forEach(this::handleOrFail)));
        }
        for (Future<?> lane : running) {
            try {
                lane.get(); // a lane reports its own failures; this only waits for it
            } catch (ExecutionException e) {
                log.warn("A {} lane stopped: {}", topic(), e.getCause().toString());
            } catch (InterruptedException e) {
                // Shutting down: lanes not started yet are dropped (their locks expire and the tasks run again).
                running.forEach(other -> other.cancel(false));
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return locked.size();
    }

    /**
     * A fetched batch in lanes: one lane per lead, in the order fetched. By default the lead is the
     * process's business key; a worker whose journeys may run under several ids of one person (a
     * visitor id before a merge, the lead's id after) says who each task is for.
     */
    protected Collection<List<LockedExternalTask>> lanes(List<LockedExternalTask> batch) {
        Map<String, List<LockedExternalTask>> byLead = new LinkedHashMap<>();
        for (LockedExternalTask task : batch) {
            byLead.computeIfAbsent(String.valueOf(task.getBusinessKey()), lead -> new ArrayList<>()).add(task);
        }
        return byLead.values();
    }

    private void handleOrFail(LockedExternalTask task) {
        try {
            handle(task);
        } catch (RuntimeException | IOException e) {
            // Elasticsearch, Kafka or the database away: retry like a provider failure.
            fail(task, "could not finish: " + e.getMessage(), true);
        }
    }

    /** Lets the lanes finish the tasks they have (up to the lock time), then stops their threads. */
    @PreDestroy
    void stopLanes() throws InterruptedException {
        ExecutorService threads = laneThreads;
        if (threads != null) {
            threads.shutdown();
            if (!threads.awaitTermination(settings.lock().toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        }
    }

    private ExecutorService laneThreads() {
        if (laneThreads == null) {
            synchronized (this) {
                if (laneThreads == null) {
                    AtomicInteger n = new AtomicInteger();
                    laneThreads = Executors.newFixedThreadPool(settings.lanes(), r -> {
                        Thread thread = new Thread(r, topic() + "-lane-" + n.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
                }
            }
        }
        return laneThreads;
    }

    protected void complete(LockedExternalTask task, Map<String, ?> variables) {
        tasks.complete(task.getId(), workerId(), new HashMap<>(variables)); // values may be null
    }

    /** Leaves the task for later without using up a retry (e.g. quiet hours). */
    protected void postpone(LockedExternalTask task, String why, long millis) {
        int retries = task.getRetries() == null ? settings.maxRetries() : task.getRetries();
        tasks.handleFailure(task.getId(), workerId(), why, null, retries, Math.max(1, millis));
    }

    /**
     * A failed attempt: retried with exponential backoff while retries last (Camunda shows the
     * count), an incident in Cockpit when they run out or the failure is permanent.
     */
    protected void fail(LockedExternalTask task, String reason, boolean retryable) {
        int maxRetries = settings.maxRetries();
        int retriesLeft = retryable ? (task.getRetries() == null ? maxRetries : task.getRetries() - 1) : 0;
        int attempt = maxRetries - retriesLeft;
        long backoff = retriesLeft <= 0 ? 0 : settings.firstBackoff().toMillis() << Math.min(Math.max(attempt - 1, 0), 10);
        log.warn("{} task {} of {} failed ({}), {}: {}", topic(), task.getId(), task.getBusinessKey(),
                retryable ? "retryable" : "permanent",
                retriesLeft > 0 ? retriesLeft + " retries left, next in " + backoff + " ms" : "incident raised", reason);
        try {
            tasks.handleFailure(task.getId(), workerId(), truncate(reason), reason, Math.max(retriesLeft, 0), backoff);
        } catch (RuntimeException e) {
            log.warn("Could not report the failure of task {} (its lock will expire and it runs again): {}",
                    task.getId(), e.getMessage());
        }
    }

    private static String truncate(String reason) {
        String text = reason == null ? "unknown failure" : reason;
        return text.length() > 600 ? text.substring(0, 600) : text;
    }
}
