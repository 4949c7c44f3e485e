package dev.baton.engine.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * Every test's {@code await()} checks its condition at once, then every 100 ms. Awaitility's own
 * default waits one poll interval before the first check, so a condition that already holds
 * costs 100 ms: with tests that wait for each of 200 leads in turn, that was 20 s a loop.
 * Checked at once, a browser test may read an element the page is re-rendering at that moment:
 * such a read ({@link StaleElementReferenceException}) is tried again at the next poll.
 * Registered for every test class through {@code junit-platform.properties} (extension autodetection).
 */
public class AwaitAtOnce implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.ignoreExceptionByDefault(StaleElementReferenceException.class);
    }
}
