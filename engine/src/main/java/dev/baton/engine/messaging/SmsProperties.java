package dev.baton.engine.messaging;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.sms.*}: which provider sends SMS ({@code none}, {@code twilio} or {@code aliyun})
 * and its settings. Credentials come from the environment and are never logged.
 *
 * @param rate at most this many messages a second, from all nodes together (the provider account's limit)
 */
@ConfigurationProperties("baton.sms")
record SmsProperties(String provider, double rate, Duration timeout, Twilio twilio, Aliyun aliyun) {
    public SmsProperties {
        provider = provider == null || provider.isBlank() ? "none" : provider.strip().toLowerCase();
        rate = rate <= 0 ? 10 : rate;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        twilio = twilio == null ? new Twilio(null, null, null, null) : twilio;
        aliyun = aliyun == null ? new Aliyun(null, null, null, null, Map.of()) : aliyun;
    }

    /** @param baseUrl https://api.twilio.com; the status callback and inbound webhook are under baton.email.public-url */
    public record Twilio(String baseUrl, String accountSid, String authToken, String from) {
        public Twilio {
            baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.twilio.com" : baseUrl;
        }
    }

    /** @param templates Baton template name → Alibaba Cloud template code (SMS_…) */
    public record Aliyun(String endpoint, String accessKeyId, String accessKeySecret, String signName,
                         Map<String, String> templates) {
        public Aliyun {
            endpoint = endpoint == null || endpoint.isBlank() ? "https://dysmsapi.aliyuncs.com" : endpoint;
            templates = templates == null ? Map.of() : Map.copyOf(templates);
        }
    }
}
