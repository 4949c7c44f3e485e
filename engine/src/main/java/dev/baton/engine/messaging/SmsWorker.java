package dev.baton.engine.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import dev.baton.connectors.Connector;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.sms.AliyunSmsConnector;
import dev.baton.connectors.sms.TwilioSmsConnector;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The worker for topic {@code send-sms} ("send SMS template T") through the configured provider:
 * Twilio (the text of {@code dev/baton/processes/sms/<name>.txt}, Mustache) or Alibaba Cloud (the
 * template code mapped in {@code baton.sms.aliyun.templates}, with {@code name} as parameter).
 * Neither API is idempotent: an attempt that died mid-way is never sent again, it is recorded as
 * unconfirmed and the delivery receipt tells.
 */
@Component
@EnableConfigurationProperties(SmsProperties.class)
class SmsWorker extends ChannelWorker {
    static final String LABEL = "SMS";
    private static final Logger log = LoggerFactory.getLogger(SmsWorker.class);
    private final SmsProperties properties;
    private final Connector connector;
    private final Map<String, Template> texts = new TreeMap<>();
    private final ObjectMapper json;

    SmsWorker(ExternalTaskService tasks, LeadStore leads, DeliveryLog deliveries, SendGuards guards, EngineEvents events,
              Clock clock, SmsProperties properties, EmailProperties publicUrls, ObjectMapper json,
              org.springframework.jdbc.core.JdbcTemplate jdbc, Workers workers) throws IOException {
        super(tasks, leads, deliveries, guards, events, clock, workers);
        this.properties = properties;
        this.json = json;
        HttpClient http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
        // The provider's limit is per account: every node takes its slots from the same count.
        dev.baton.connectors.RateLimiter limiter = new SharedRateLimiter(jdbc, "sms-" + properties.provider(), properties.rate());
        this.connector = switch (properties.provider()) {
            case "twilio" -> new TwilioSmsConnector(http, properties.twilio().baseUrl(), properties.twilio().accountSid(),
                    properties.twilio().authToken(), properties.twilio().from(),
                    publicUrls.publicUrl() + SmsWebhooks.TWILIO_STATUS, limiter, properties.timeout());
            case "aliyun" -> new AliyunSmsConnector(http, properties.aliyun().endpoint(), properties.aliyun().accessKeyId(),
                    properties.aliyun().accessKeySecret(), properties.aliyun().signName(), limiter,
                    properties.timeout());
            case "none" -> null;
            default -> throw new IllegalArgumentException("baton.sms.provider must be none, twilio or aliyun, not '"
                    + properties.provider() + "'");
        };
        for (Resource text : new PathMatchingResourcePatternResolver().getResources("classpath*:dev/baton/processes/sms/*.txt")) {
            String name = text.getFilename().substring(0, text.getFilename().length() - ".txt".length());
            texts.put(name, Mustache.compiler().defaultValue("").escapeHTML(false)
                    .compile(text.getContentAsString(StandardCharsets.UTF_8).strip()));
        }
        log.info("SMS provider: {}; SMS templates: {}", properties.provider(), texts.keySet());
    }

    @Override
    protected String topic() {
        return "send-sms";
    }

    @Override
    String channel() {
        return "sms";
    }

    @Override
    String label() {
        return LABEL;
    }

    @Override
    String templateProblem(String template) {
        if ("aliyun".equals(properties.provider())) {
            return properties.aliyun().templates().containsKey(template) ? null
                    : "no Alibaba Cloud template code for SMS template '" + template + "' (baton.sms.aliyun.templates)";
        }
        return texts.containsKey(template) ? null : "no SMS template named '" + template + "' (known: " + texts.keySet() + ")";
    }

    @Override
    String addressOf(LeadProfile lead, LockedExternalTask task) {
        return lead.phones().isEmpty() ? null : lead.phones().iterator().next();
    }

    @Override
    OutboundMessage compose(String key, LeadProfile lead, String address, String template, LockedExternalTask task) {
        if ("aliyun".equals(properties.provider())) {
            Object name = lead.traits().getOrDefault("firstName", lead.traits().getOrDefault("name", ""));
            try {
                return new OutboundMessage(key, lead.id(), address, null, null, null, Map.of(
                        AliyunSmsConnector.TEMPLATE_CODE, properties.aliyun().templates().get(template),
                        AliyunSmsConnector.TEMPLATE_PARAM, json.writeValueAsString(Map.of("name", String.valueOf(name)))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new OutboundMessage(key, lead.id(), address, null, null, texts.get(template).execute(variables(lead)), Map.of());
    }

    @Override
    Connector connector() {
        return connector;
    }

    @Override
    boolean resendWhenOutcomeUnknown() {
        return false;
    }
}
