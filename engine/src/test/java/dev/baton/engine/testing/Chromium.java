package dev.baton.engine.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium through its chromedriver (Selenium), for tests that need a real browser. */
public final class Chromium {
    private Chromium() {
    }

    /** @param arguments more command-line arguments, e.g. {@code --user-agent=...} */
    public static ChromeDriver start(String... arguments) throws IOException {
        File chromium = new File(System.getenv().getOrDefault("BATON_TEST_CHROMIUM", "/usr/bin/chromium"));
        File driver = new File(System.getenv().getOrDefault("BATON_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !driver.canExecute()) {
            throw new IllegalStateException("Browser tests need Chromium and its driver (" + chromium + ", " + driver
                    + "): apt-get install chromium chromium-driver (.ci/run does), or set BATON_TEST_CHROMIUM and"
                    + " BATON_TEST_CHROMEDRIVER");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--lang=en-US",
                "--user-data-dir=" + Files.createTempDirectory("baton-chromium").toAbsolutePath());
        options.addArguments(arguments);
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build(),
                options);
    }
}
