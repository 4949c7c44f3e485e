package dev.baton.engine.tracking;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits until Kafka acknowledged every send of a batch, so the caller can retry the batch if not. */
public final class KafkaAcks {
    private KafkaAcks() {
    }

    /** @param what what was sent, for the message of the IOException thrown when a send failed or timed out */
    public static void await(List<? extends CompletableFuture<?>> sends, Duration timeout, String what) throws IOException {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("publishing " + what + " failed: " + e.getMessage(), e);
        }
    }
}
