package dev.baton.engine;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Baton's engine: tracking API, Kafka consumers, scoring, Elasticsearch indexing and Camunda journeys. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class BatonApplication {
    public static void main(String[] args) {
        SpringApplication.run(BatonApplication.class, args);
    }

    /** The one clock everything stamps time with, so tests can control it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
