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
import java.util.concurrent.ScheduledExecutorService;
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
 *
 * @param <B> what a worker reads once for a whole fetched batch and hands to each of its tasks
 *            ({@link #prepare}); {@code Void} for workers that read per task
 */
public abstract class TopicWorker<B> {
    private static final Logger log = LoggerFactory.getLogger(TopicWorker.class);
    private final ExternalTaskService tasks;
    private final Workers settings;
    private volatile String workerId;
    /** Tasks fetched and locked per poll. */
    static final int BATCH = 10;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile boolean again;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Scheduled polls left to skip: a topic with no work is asked less often (see {@link Workers#skipsAfter}). */
    private final AtomicInteger skipsLeft = new AtomicInteger();
    /** Empty polls in a row (written by the one poll running). */
    private int emptyPolls;
    /** Wakes workers whose failed task is due again. */
    private static final ScheduledExecutorService RETRY_WAKE_UPS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "worker-retry-wake-up");
        thread.setDaemon(true);
        return thread;
    });
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
    public record Workers(int maxRetries, Duration firstBackoff, Duration lock, int lanes, Duration pollInterval,
                          Duration idlePollMax) {
        public Workers {
            lanes = Math.max(1, lanes);
        }

        /** With the default polling: every 500 ms, backing off to every 2 s while idle. */
        public Workers(int maxRetries, Duration firstBackoff, Duration lock, int lanes) {
            this(maxRetries, firstBackoff, lock, lanes, Duration.ofMillis(500), Duration.ofSeconds(2));
        }

        /** Scheduled polls to skip after this many empty ones in a row: doubling, up to the idle maximum. */
        int skipsAfter(int emptyPolls) {
            long most = Math.max(0, idlePollMax.toMillis() / Math.max(1, pollInterval.toMillis()) - 1);
            return (int) Math.min(most, (1L << Math.min(emptyPolls, 20)) - 1);
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

    /**
     * Reads once what the tasks of a fetched batch need (their leads, say), before any is done;
     * null by default. When it fails, each task is handed null and reads for itself.
     */
    protected B prepare(List<LockedExternalTask> batch) {
        return null;
    }

    /**
     * Whose task this is: one person's tasks share a lane, in the order fetched. By default the
     * process's business key; a worker whose journeys may run under several ids of one person (a
     * visitor id before a merge, the lead's id after) tells them apart with what it prepared.
     */
    protected String laneOf(LockedExternalTask task, B batch) {
        return String.valueOf(task.getBusinessKey());
    }

    /** Called once every task of the batch is done (or failed), before the next fetch. */
    protected void done(B batch) {
    }

    /**
     * Does one task: completes it, or reports its failure ({@link #fail}).
     *
     * @param batch what {@link #prepare} read for the task's batch, or null
     */
    protected abstract void handle(LockedExternalTask task, B batch) throws IOException;

    /**
     * Every worker polls on the same schedule (Spring finds this annotation on each subclass bean),
     * less often while its topic stays empty (every {@code baton.workers.poll-interval}, doubling
     * up to {@code baton.workers.idle-poll-max}: each poll is a database query, and a node runs a
     * worker per topic), and at once when a step for it was just made on this node
     * ({@link TaskWakeUps}) or a task it failed is due again. Steps made on other nodes, and tasks
     * another node failed, are found by the scheduled polls.
     */
    @Scheduled(fixedDelayString = "${baton.workers.poll-interval:500ms}")
    void pollWhenDue() {
        if (!again && skipsLeft.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0) {
            return;
        }
        poll();
    }

    /** Polls now. One poll of a worker runs at a time; a wake-up during one makes it poll again when it is done. */
    void poll() {
        if (!enabled) {
            return;
        }
        do {
            if (!polling.compareAndSet(false, true)) {
                again = true;
                return;
            }
            try {
                boolean full;
                int fetched = 0;
                do {
                    again = false;
                    // A full batch means more may wait: fetched again at once, not after the poll interval.
                    int batch = pollOnce();
                    fetched += batch;
                    full = batch == BATCH;
                } while ((again || full) && !Thread.currentThread().isInterrupted());
                emptyPolls = fetched == 0 ? emptyPolls + 1 : 0;
                skipsLeft.set(settings.skipsAfter(emptyPolls));
            } finally {
                polling.set(false);
            }
            // A wake-up that came as this poll was ending found it still running: its step is fetched now.
        } while (again && !Thread.currentThread().isInterrupted());
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
        if (locked.isEmpty()) {
            return 0;
        }
        B batch;
        boolean readAhead = true;
        try {
            batch = prepare(locked);
        } catch (RuntimeException e) {
            // Without what it read, the worker cannot tell whose tasks these are: one lane, in order.
            log.warn("Could not read ahead for {} {} tasks ({}); each reads for itself, one after the other",
                    locked.size(), topic(), e.getMessage());
            batch = null;
            readAhead = false;
        }
        B prepared = batch;
        Collection<List<LockedExternalTask>> lanes = inLanes() && readAhead && settings.lanes() > 1
                ? lanes(locked, prepared) : List.of(locked);
        if (lanes.size() == 1) {
            for (LockedExternalTask task : locked) {
                handleOrFail(task, batch);
            }
            finish(batch);
            return locked.size();
        }
        List<Future<?>> running = new ArrayList<>();
        for (List<LockedExternalTask> lane : lanes) {
            running.add(laneThreads().submit(() -> lane.forEach(task -> handleOrFail(task, prepared))));
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
        finish(batch);
        return locked.size();
    }

    private void finish(B batch) {
        try {
            done(batch);
        } catch (RuntimeException e) {
            log.warn("Finishing a batch of {} tasks failed: {}", topic(), e.getMessage());
        }
    }

    /** A fetched batch in lanes ({@link #laneOf}), each in the order fetched. */
    private Collection<List<LockedExternalTask>> lanes(List<LockedExternalTask> locked, B batch) {
        Map<String, List<LockedExternalTask>> lanes = new LinkedHashMap<>();
        for (LockedExternalTask task : locked) {
            lanes.computeIfAbsent(laneOf(task, batch), whose -> new ArrayList<>()).add(task);
        }
        return lanes.values();
    }

    private void handleOrFail(LockedExternalTask task, B batch) {
        try {
            handle(task, batch);
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
            if (retriesLeft > 0) {
                RETRY_WAKE_UPS.schedule(this::wake, backoff, TimeUnit.MILLISECONDS);
            }
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
