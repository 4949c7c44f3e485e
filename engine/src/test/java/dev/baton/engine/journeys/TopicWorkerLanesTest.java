package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.junit.jupiter.api.Test;

/**
 * A send worker does the tasks of different leads from one fetched batch at once (each waits on
 * I/O: the lead, guards, provider, delivery log), and one lead's tasks one after the other in the
 * order fetched; a worker that does not work in lanes does them all in order on one thread.
 */
class TopicWorkerLanesTest {
    private static final TopicWorker.Workers SETTINGS = new TopicWorker.Workers(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 4);

    @Test
    void differentLeadsTasksRunAtOnceWhileOneLeadsTasksKeepTheirOrder() {
        CountDownLatch bobStarted = new CountDownLatch(1);
        List<String> happened = Collections.synchronizedList(new ArrayList<>());
        Recording worker = new Recording(batch("ann:1", "bob:1", "ann:2", "cy:1"), true, happened) {
            @Override
            protected void handle(LockedExternalTask task, Map<String, String> batch) {
                happened.add("start " + task.getId());
                if (task.getId().equals("ann:1")) {
                    // Done one after the other, bob's task would start only after this one ended.
                    bobOverlapped = await(bobStarted);
                } else if (task.getId().equals("bob:1")) {
                    bobStarted.countDown();
                }
                happened.add("end " + task.getId());
            }
        };

        worker.poll();

        assertThat(worker.bobOverlapped).as("bob's task started while ann's first was running").isTrue();
        assertThat(happened).containsSubsequence("start ann:1", "end ann:1", "start ann:2", "end ann:2");
        assertThat(happened).filteredOn(event -> event.startsWith("end")).hasSize(4);
    }

    @Test
    void tasksAWorkerSaysAreOnePersonsShareALaneThoughTheirBusinessKeysDiffer() {
        List<String> happened = Collections.synchronizedList(new ArrayList<>());
        // "visitor-7" became lead "ann": a journey started before the merge still runs under the visitor id.
        Recording worker = new Recording(batch("ann:1", "visitor-7:1", "bob:1"), true, happened) {
            @Override
            protected Map<String, String> prepare(List<LockedExternalTask> batch) {
                return Map.of("visitor-7", "ann");
            }

            @Override
            protected String laneOf(LockedExternalTask task, Map<String, String> batch) {
                return batch.getOrDefault(task.getBusinessKey(), task.getBusinessKey());
            }
        };

        worker.poll();

        String annLane = happened.stream().filter(e -> e.startsWith("ann:1@")).findFirst().orElseThrow().split("[@ ]")[1];
        assertThat(happened).contains("visitor-7:1@" + annLane + " knowing {visitor-7=ann}");
        assertThat(happened.indexOf("ann:1@" + annLane + " knowing {visitor-7=ann}"))
                .isLessThan(happened.indexOf("visitor-7:1@" + annLane + " knowing {visitor-7=ann}"));
    }

    @Test
    void aFailedReadAheadLeavesEachTaskToReadForItselfOneAfterTheOther() {
        List<String> happened = Collections.synchronizedList(new ArrayList<>());
        // Without what it reads ahead, the worker cannot tell that visitor-7 is ann: no lanes.
        Recording worker = new Recording(batch("ann:1", "visitor-7:1", "bob:1"), true, happened) {
            @Override
            protected Map<String, String> prepare(List<LockedExternalTask> batch) {
                throw new IllegalStateException("search unavailable");
            }
        };

        worker.poll();

        String here = "@" + Thread.currentThread().getName() + " knowing null";
        assertThat(happened).containsExactly("ann:1" + here, "visitor-7:1" + here, "bob:1" + here);
    }

    @Test
    void aWorkerWhoseTopicStaysEmptyAsksLessOftenUpToTheIdleMaximumAndEveryTimeAgainOnceItFindsWork() {
        List<LockedExternalTask> work = batch("ann:1");
        java.util.Deque<List<LockedExternalTask>> answers = new java.util.ArrayDeque<>(
                List.of(List.of(), List.of(), List.of(), List.of(), List.of(), work));
        int[] tick = {0};
        List<Integer> fetchedAt = new ArrayList<>();
        ExternalTaskService tasks = mock(ExternalTaskService.class, RETURNS_DEEP_STUBS);
        when(tasks.fetchAndLock(anyInt(), anyString()).topic(anyString(), anyLong()).execute()).thenAnswer(fetch -> {
            fetchedAt.add(tick[0]);
            return answers.isEmpty() ? List.of() : answers.poll();
        });
        List<String> happened = Collections.synchronizedList(new ArrayList<>());
        // Polls every 500 ms, at least every 2 s while idle: 2, 4, then 4 intervals apart after empty polls.
        Recording worker = new Recording(tasks, false, happened);

        for (tick[0] = 1; tick[0] <= 24; tick[0]++) {
            worker.pollWhenDue();
        }

        assertThat(fetchedAt).containsExactly(1, 3, 7, 11, 15, 19, 20, 22);
        assertThat(happened).hasSize(1).allMatch(done -> done.startsWith("ann:1@"));
    }

    @Test
    void aWorkerOutsideLanesDoesItsBatchInTheOrderFetched() {
        List<String> happened = Collections.synchronizedList(new ArrayList<>());
        Recording worker = new Recording(batch("ann:1", "bob:1", "ann:2", "cy:1"), false, happened);

        worker.poll();

        String here = "@" + Thread.currentThread().getName() + " knowing null";
        assertThat(happened).containsExactly("ann:1" + here, "bob:1" + here, "ann:2" + here, "cy:1" + here);
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Tasks named "lead:n", the lead being the process's business key. */
    private static List<LockedExternalTask> batch(String... ids) {
        List<LockedExternalTask> tasks = new ArrayList<>();
        for (String id : ids) {
            LockedExternalTask task = mock(LockedExternalTask.class);
            when(task.getId()).thenReturn(id);
            when(task.getBusinessKey()).thenReturn(id.substring(0, id.indexOf(':')));
            tasks.add(task);
        }
        return tasks;
    }

    /** A worker whose one poll fetches the batch (then nothing), recording what it did where. */
    private static class Recording extends TopicWorker<Map<String, String>> {
        private final boolean lanes;
        private final List<String> happened;
        volatile boolean bobOverlapped;

        Recording(List<LockedExternalTask> batch, boolean lanes, List<String> happened) {
            this(camundaHanding(batch), lanes, happened);
        }

        Recording(ExternalTaskService tasks, boolean lanes, List<String> happened) {
            super(tasks, SETTINGS);
            this.lanes = lanes;
            this.happened = happened;
        }

        private static ExternalTaskService camundaHanding(List<LockedExternalTask> batch) {
            ExternalTaskService tasks = mock(ExternalTaskService.class, RETURNS_DEEP_STUBS);
            when(tasks.fetchAndLock(anyInt(), anyString()).topic(anyString(), anyLong()).execute()).thenReturn(batch, List.of());
            return tasks;
        }

        @Override
        protected String topic() {
            return "test-topic";
        }

        @Override
        protected boolean inLanes() {
            return lanes;
        }

        @Override
        protected void handle(LockedExternalTask task, Map<String, String> batch) {
            happened.add(task.getId() + "@" + Thread.currentThread().getName() + " knowing " + batch);
        }
    }
}
