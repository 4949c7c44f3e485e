package dev.baton.engine.tracking;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Creates the events topic, its dead-letter topic and the journeys topic when they do not exist. */
@Configuration
class EventTopicsConfiguration {

    @Bean
    NewTopic eventsTopic(EventTopics topics) {
        return TopicBuilder.name(topics.eventsTopic())
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .build();
    }

    @Bean
    NewTopic deadLetterTopic(EventTopics topics) {
        return TopicBuilder.name(topics.deadLetterTopic())
                .partitions(1)
                .replicas(topics.replicationFactor())
                .build();
    }

    @Bean
    NewTopic journeysTopic(EventTopics topics) {
        return TopicBuilder.name(topics.journeysTopic())
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .build();
    }

    @Bean
    NewTopic sendsTopic(EventTopics topics) {
        return TopicBuilder.name(topics.sendsTopic())
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .build();
    }
}
