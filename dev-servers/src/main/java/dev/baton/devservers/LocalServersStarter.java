package dev.baton.devservers;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.env.MapPropertySource;

/**
 * The development run's hook, registered in {@code META-INF/spring.factories} so that it acts in
 * any Spring Boot application with this module on its classpath: starts the local servers once
 * the environment is known and logging is set up (hence ordered after
 * {@link LoggingApplicationListener}), before any bean connects to them, and points
 * {@code spring.elasticsearch.uris}, {@code spring.kafka.bootstrap-servers} and the mail settings
 * at them.
 */
public class LocalServersStarter implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
    private static final Logger log = LoggerFactory.getLogger(LocalServersStarter.class);

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        var environment = event.getEnvironment();
        LocalServersProperties properties = Binder.get(environment)
                .bind("baton.local", LocalServersProperties.class)
                .orElseGet(LocalServersProperties::defaults);
        if (!properties.enabled()) {
            log.info("Local servers disabled (baton.local.enabled=false): using the configured Elasticsearch and Kafka");
            return;
        }
        LocalServers.Endpoints endpoints = LocalServers.startOnce(properties, false);
        environment.getPropertySources().addFirst(new MapPropertySource("baton-local-servers", Map.of(
                "spring.elasticsearch.uris", endpoints.elasticsearchUri(),
                "spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers(),
                "spring.mail.host", endpoints.smtpHost(),
                "spring.mail.port", endpoints.smtpPort(),
                "baton.email.bounces.imap-host", endpoints.smtpHost(),
                "baton.email.bounces.imap-port", endpoints.imapPort())));
        event.getSpringApplication().addInitializers(context -> {
            var stopper = new StopAfterContext();
            var beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
            beanFactory.registerSingleton("localServersLifecycle", stopper);
            // Also disposable: a context whose refresh fails is destroyed without a lifecycle stop.
            beanFactory.registerDisposableBean("localServersLifecycle", stopper);
        });
    }

    /** Stops the local servers last, after every bean that talks to them has stopped. */
    static final class StopAfterContext implements SmartLifecycle, DisposableBean {
        private volatile boolean running = true;

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            LocalServers.stopRunning();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }

        @Override
        public void destroy() {
            LocalServers.stopRunning();
        }
    }
}
