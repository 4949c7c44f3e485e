package dev.baton.engine.tracking;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.tracking.*}: Segment's size limits for one message and for a batch, and the
 * sites (origins) whose pages may call the tracking and form endpoints from the browser.
 */
@ConfigurationProperties("baton.tracking")
record TrackingProperties(int maxMessageBytes, int maxBatchBytes, List<String> allowedOrigins) {
    public TrackingProperties {
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
        maxMessageBytes = maxMessageBytes <= 0 ? 32 * 1024 : maxMessageBytes;
        maxBatchBytes = maxBatchBytes <= 0 ? 500 * 1024 : maxBatchBytes;
    }
}
