package dev.baton.engine.forms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sites declared for tracking, as Spring writes origin patterns, become CSP's frame-ancestors sources. */
class FormFramingTest {

    @Test
    void springsOriginPatternsBecomeTheSourcesCspUnderstands() {
        assertThat(FormController.frameAncestors(List.of("https://*.acme.com", " http://localhost:[*] ", "https://shop.acme.com:[8080, 8443]")))
                .isEqualTo("frame-ancestors 'self' https://*.acme.com http://localhost:* https://shop.acme.com:8080 https://shop.acme.com:8443");
    }

    @Test
    void withNoSiteDeclaredAnySiteMayFrameTheForm() {
        assertThat(FormController.frameAncestors(List.of())).isEqualTo("frame-ancestors 'self' *");
        assertThat(FormController.frameAncestors(List.of(" "))).isEqualTo("frame-ancestors 'self' *");
    }
}
