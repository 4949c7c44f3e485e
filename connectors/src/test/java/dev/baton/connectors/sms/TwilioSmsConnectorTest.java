package dev.baton.connectors.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.connectors.FakeProvider;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.RateLimiter;
import dev.baton.connectors.SendResult;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local server that checks the request Twilio's Messages API documents and replays its answers. */
class TwilioSmsConnectorTest {
    private static final String SENT = "{\"sid\":\"SM1f0e2a\",\"status\":\"queued\",\"to\":\"+4915112345678\"}";
    private FakeProvider twilio;
    private TwilioSmsConnector connector;

    @BeforeEach
    void start() throws Exception {
        twilio = new FakeProvider();
        connector = new TwilioSmsConnector(HttpClient.newHttpClient(), twilio.baseUrl(), "AC0123", "secret-token",
                "+15005550006", "https://go.example.com/sms/twilio/status", RateLimiter.local(50), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        twilio.close();
    }

    @Test
    void sendsAFormEncodedMessageWithBasicAuthAndStatusCallbackAndReturnsTheMessageSid() {
        twilio.answer(FakeProvider.Response.of(201, SENT));

        SendResult result = connector.send(sms("+4915112345678", "Hi Ada, see you at the webinar!"));

        assertThat(result).isEqualTo(SendResult.sent("SM1f0e2a"));
        FakeProvider.Request request = twilio.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/AC0123/Messages.json");
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("AC0123:secret-token".getBytes(StandardCharsets.UTF_8)));
        assertThat(form(request.body())).containsEntry("To", "+4915112345678").containsEntry("From", "+15005550006")
                .containsEntry("Body", "Hi Ada, see you at the webinar!")
                .containsEntry("StatusCallback", "https://go.example.com/sms/twilio/status");
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetryable() {
        twilio.answer(FakeProvider.Response.of(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}"),
                FakeProvider.Response.of(503, "{\"message\":\"Service Unavailable\"}"));

        assertThat(connector.send(sms("+4915112345678", "a")).status()).isEqualTo(SendResult.Status.RETRYABLE);
        assertThat(connector.send(sms("+4915112345678", "b")).status()).isEqualTo(SendResult.Status.RETRYABLE);
    }

    @Test
    void invalidNumberErrorMakesTheNumberUndeliverableWithTwiliosCode() {
        twilio.answer(FakeProvider.Response.of(400, "{\"code\":21211,\"message\":\"The 'To' number +4900 is not a valid"
                + " phone number.\",\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}"));

        SendResult result = connector.send(sms("+4915112345678", "a"));

        assertThat(result.status()).isEqualTo(SendResult.Status.UNDELIVERABLE);
        assertThat(result.reason()).contains("21211", "not a valid phone number");
    }

    @Test
    void numberThatIsNotE164FailsWithoutCallingTwilio() {
        assertThat(connector.send(sms("0151 1234567", "a")).status()).isEqualTo(SendResult.Status.PERMANENT);
        assertThat(twilio.requests()).isEmpty();
    }

    @Test
    void timeoutIsReportedAsAnUnknownOutcomeNotAsAFailure() {
        twilio.answer(new FakeProvider.Response(201, SENT, Duration.ofSeconds(5)));

        SendResult result = connector.send(sms("+4915112345678", "a"));

        assertThat(result.status()).isEqualTo(SendResult.Status.UNKNOWN);
        assertThat(result.reason()).startsWith("timeout");
    }

    @Test
    void rateLimiterGivesOneSlotPerIntervalAndRefusesWhatCannotWait() throws Exception {
        RateLimiter onePerSecond = RateLimiter.local(1);

        assertThat(onePerSecond.acquire(Duration.ZERO)).isTrue();
        assertThat(onePerSecond.acquire(Duration.ZERO)).as("the next slot is a second away").isFalse();
    }

    private static OutboundMessage sms(String to, String text) {
        return new OutboundMessage("sms:task-1", "lead-1", to, null, null, text, Map.of());
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
