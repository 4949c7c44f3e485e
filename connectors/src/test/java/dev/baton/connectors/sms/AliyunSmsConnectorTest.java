package dev.baton.connectors.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.connectors.FakeProvider;
import dev.baton.connectors.OutboundMessage;
import dev.baton.connectors.SendResult;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local server that checks Alibaba Cloud SendSms's documented parameters and signature, and replays its codes. */
class AliyunSmsConnectorTest {
    private FakeProvider aliyun;
    private AliyunSmsConnector connector;

    @BeforeEach
    void start() throws Exception {
        aliyun = new FakeProvider();
        connector = new AliyunSmsConnector(HttpClient.newHttpClient(), aliyun.baseUrl(), "LTAIexample", "key-secret",
                "百统科技", dev.baton.connectors.RateLimiter.local(50), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        aliyun.close();
    }

    @Test
    void sendsSendSmsWithSignNameTemplateParamsOutIdAndAValidSignature() {
        aliyun.answer(FakeProvider.Response.of(200,
                "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"900619746936498440^0\",\"RequestId\":\"F655A8D5\"}"));

        SendResult result = connector.send(sms("+8613800138000", "SMS_153055065", "{\"name\":\"李雷\"}"));

        assertThat(result).isEqualTo(SendResult.sent("900619746936498440^0"));
        FakeProvider.Request request = aliyun.requests().get(0);
        assertThat(request.method()).isEqualTo("GET");
        Map<String, String> query = query(request.query());
        assertThat(query).containsEntry("Action", "SendSms").containsEntry("Version", "2017-05-25")
                .containsEntry("PhoneNumbers", "13800138000").containsEntry("SignName", "百统科技")
                .containsEntry("TemplateCode", "SMS_153055065").containsEntry("TemplateParam", "{\"name\":\"李雷\"}")
                .containsEntry("OutId", "sms:task-7").containsEntry("AccessKeyId", "LTAIexample")
                .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("SignatureVersion", "1.0")
                .containsKeys("SignatureNonce", "Timestamp");
        assertThat(query.get("Signature")).isEqualTo(expectedSignature(query, "key-secret"));
    }

    @Test
    void throttlingIsRetryableAndAnIllegalNumberIsPermanent() {
        aliyun.answer(FakeProvider.Response.of(200, "{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\",\"Message\":\"触发分钟级流控\"}"),
                FakeProvider.Response.of(200, "{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"非法手机号\"}"),
                FakeProvider.Response.of(500, "{\"Code\":\"InternalError\",\"Message\":\"The request processing has failed\"}"));

        assertThat(connector.send(sms("+8613800138000", "SMS_1", "{}")).status()).isEqualTo(SendResult.Status.RETRYABLE);
        SendResult illegal = connector.send(sms("+8613800138000", "SMS_1", "{}"));
        assertThat(illegal.status()).isEqualTo(SendResult.Status.PERMANENT);
        assertThat(illegal.reason()).contains("isv.MOBILE_NUMBER_ILLEGAL");
        assertThat(connector.send(sms("+8613800138000", "SMS_1", "{}")).status()).isEqualTo(SendResult.Status.RETRYABLE);
    }

    @Test
    void messageWithoutATemplateCodeFailsWithoutCallingAlibabaCloud() {
        SendResult result = connector.send(new OutboundMessage("k", "lead", "+8613800138000", null, null, "text", Map.of()));

        assertThat(result.status()).isEqualTo(SendResult.Status.PERMANENT);
        assertThat(aliyun.requests()).isEmpty();
    }

    private static OutboundMessage sms(String to, String templateCode, String params) {
        return new OutboundMessage("sms:task-7", "lead-7", to, null, null, null,
                Map.of(AliyunSmsConnector.TEMPLATE_CODE, templateCode, AliyunSmsConnector.TEMPLATE_PARAM, params));
    }

    private static Map<String, String> query(String raw) {
        return Arrays.stream(raw.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }

    /** The signature as Alibaba Cloud's RPC signature v1 documentation describes it, computed independently. */
    private static String expectedSignature(Map<String, String> query, String secret) throws RuntimeException {
        TreeMap<String, String> sorted = new TreeMap<>(query);
        sorted.remove("Signature");
        String canonical = sorted.entrySet().stream().map(e -> rfc3986(e.getKey()) + "=" + rfc3986(e.getValue()))
                .collect(Collectors.joining("&"));
        String toSign = "GET&%2F&" + rfc3986(canonical);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rfc3986(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
