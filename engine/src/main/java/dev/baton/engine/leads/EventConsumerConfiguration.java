package dev.baton.engine.leads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** How the events consumer polls, commits and retries. */
@Configuration
class EventConsumerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EventConsumerConfiguration.class);

    /**
     * Batch listener, offsets committed after the batch was stored. While Elasticsearch is down,
     * the batch is retried with growing pauses (up to 30 s) and never given up: outages delay
     * work, they do not drop it.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> eventsListenerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers,
            dev.baton.engine.tracking.EventTopics topics) {
        var factory = new ConcurrentKafkaListenerContainerFactory<String, String>();
        configurer.configure((ConcurrentKafkaListenerContainerFactory) factory, consumers);
        factory.setBatchListener(true);
        factory.setConcurrency(topics.consumers());
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        DefaultErrorHandler errors = new DefaultErrorHandler((record, e) ->
                log.error("Gave up on {} (should not happen with unlimited retries)", record, e), backOff);
        errors.setLogLevel(org.springframework.kafka.KafkaException.Level.WARN);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
