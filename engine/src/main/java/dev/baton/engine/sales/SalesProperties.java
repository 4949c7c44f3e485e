package dev.baton.engine.sales;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.sales.*}: how hot leads reach sales.
 *
 * @param chain         the assignment chain when neither the journey nor the lead's campaign names one
 * @param chains        campaign id → its chain (a journey names its own with the assign step's input {@code chain})
 * @param sla           tier → working time the rep has to act (in the rep's working hours); {@code default} for others
 * @param managersEmail who hears of queued leads and missed SLAs when a team has no manager
 * @param tasklistUrl   where reps open their tasks (in the notification)
 */
@ConfigurationProperties("baton.sales")
public record SalesProperties(String chain, Map<String, String> chains, Map<String, Duration> sla, String managersEmail,
                              String tasklistUrl) {
    public SalesProperties {
        chain = chain == null || chain.isBlank() ? "territory, least-open" : chain;
        chains = chains == null ? Map.of() : Map.copyOf(chains);
        sla = sla == null || sla.isEmpty() ? Map.of("hot", Duration.ofHours(1), "default", Duration.ofHours(8)) : Map.copyOf(sla);
        tasklistUrl = tasklistUrl == null ? "http://localhost:8080/camunda/app/tasklist/" : tasklistUrl;
    }

    /** The rep's time to act on a lead of this tier. */
    public Duration slaFor(String tier) {
        Duration forTier = tier == null ? null : sla.get(tier);
        return forTier != null ? forTier : sla.getOrDefault("default", Duration.ofHours(8));
    }
}
