package dev.baton.engine.tracking;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;

/** The tracking settings the web layer reads (CORS for {@code /v1} and {@code /f}), in a {@code @WebMvcTest} slice. */
@TestConfiguration
@EnableConfigurationProperties(TrackingProperties.class)
public class WebSliceTracking {
}
