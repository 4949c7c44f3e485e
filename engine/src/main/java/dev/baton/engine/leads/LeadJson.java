package dev.baton.engine.leads;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How the API shows a lead: without the pipeline's own bookkeeping (stored, not shown). */
@Configuration
class LeadJson {

    @JsonIgnoreProperties({"kafkaOffsets", "frozen", "traitNumbers"})
    abstract static class PublicLeadProfile {
    }

    @Bean
    Jackson2ObjectMapperBuilderCustomizer publicLeadProfile() {
        return builder -> builder.mixIn(LeadProfile.class, PublicLeadProfile.class);
    }
}
