package dev.baton.engine.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.identity.IdentityStore;
import dev.baton.engine.identity.PersonIds;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * What SMS providers call back: Twilio's delivery receipts ({@code StatusCallback}) and inbound
 * replies, both signed ({@code X-Twilio-Signature}); Alibaba Cloud's HTTP pushes of delivery
 * reports and replies. A STOP reply (STOP, UNSUBSCRIBE, 退订, TD…) opts the number out of every
 * later SMS and is recorded as an Unsubscribed event on the lead.
 */
@RestController
@Tag(name = "SMS webhooks", description = "Delivery receipts and replies from SMS providers (signed by the provider)")
class SmsWebhooks {
    static final String TWILIO_STATUS = "/sms/twilio/status";
    static final String TWILIO_INBOUND = "/sms/twilio/inbound";
    private static final Set<String> STOP_WORDS = Set.of("stop", "stopall", "unsubscribe", "cancel", "end", "quit",
            "退订", "td", "t", "取消", "n");
    private static final Logger log = LoggerFactory.getLogger(SmsWebhooks.class);
    private final SmsProperties sms;
    private final EmailProperties urls;
    private final DeliveryLog deliveries;
    private final Suppressions suppressions;
    private final IdentityStore identities;
    private final EngineEvents events;
    private final Clock clock;

    SmsWebhooks(SmsProperties sms, EmailProperties urls, DeliveryLog deliveries, Suppressions suppressions,
                IdentityStore identities, EngineEvents events, Clock clock) {
        this.sms = sms;
        this.urls = urls;
        this.deliveries = deliveries;
        this.suppressions = suppressions;
        this.identities = identities;
        this.events = events;
        this.clock = clock;
    }

    static boolean isStop(String body) {
        return body != null && STOP_WORDS.contains(body.strip().toLowerCase(Locale.ROOT).replaceAll("[.!。！]+$", ""));
    }

    @Operation(summary = "Twilio delivery receipt (StatusCallback): records SMS Delivered or SMS Failed on the lead")
    @PostMapping(path = TWILIO_STATUS, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Void> twilioStatus(@RequestBody MultiValueMap<String, String> form,
                                      @RequestHeader(name = "X-Twilio-Signature", required = false) String signature)
            throws IOException {
        if (!twilioSigned(TWILIO_STATUS, form, signature)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).build();
        }
        receipt(form.getFirst("MessageSid"), form.getFirst("MessageStatus"), form.getFirst("ErrorCode"));
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Twilio inbound SMS: a STOP reply opts the number out")
    @PostMapping(path = TWILIO_INBOUND, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<String> twilioInbound(@RequestBody MultiValueMap<String, String> form,
                                         @RequestHeader(name = "X-Twilio-Signature", required = false) String signature)
            throws IOException {
        if (!twilioSigned(TWILIO_INBOUND, form, signature)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).build();
        }
        reply(form.getFirst("From"), form.getFirst("Body"), "twilio:" + form.getFirst("MessageSid"));
        return ResponseEntity.ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    }

    @Operation(summary = "Alibaba Cloud SMS delivery reports (SmsReport HTTP push, JSON array)")
    @PostMapping(path = "/sms/aliyun/report", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(type = "object"))))
    Map<String, Object> aliyunReport(@RequestBody JsonNode reports) throws IOException {
        for (JsonNode report : aliyunPush(reports, "report")) {
            String outId = report.path("out_id").asText("");
            // No OutId: not a message Baton sent (another system on the same account); nothing to record.
            DeliveryLog.Delivery delivery = outId.isBlank() ? null : deliveries.get(outId);
            if (delivery != null) {
                String status = report.path("success").asBoolean() ? "delivered" : "failed";
                event(delivery, status, report.path("err_code").asText(null), report.path("biz_id").asText(""));
            }
        }
        return Map.of("code", 0, "msg", "成功");
    }

    @Operation(summary = "Alibaba Cloud SMS replies (SmsUp HTTP push, JSON array): 退订/TD opts the number out")
    @PostMapping(path = "/sms/aliyun/reply", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(type = "object"))))
    Map<String, Object> aliyunReply(@RequestBody JsonNode replies) throws IOException {
        for (JsonNode reply : aliyunPush(replies, "reply")) {
            String number = reply.path("phone_number").asText("");
            reply(number.startsWith("+") ? number : "+86" + number, reply.path("content").asText(""),
                    "aliyun:" + reply.path("sequence_id").asText(number + reply.path("send_time").asText()));
        }
        return Map.of("code", 0, "msg", "成功");
    }

    /**
     * Alibaba Cloud pushes a JSON array of objects; anything else is refused (400) rather than read
     * as nothing, so a misconfigured push is seen at once and not acknowledged as received.
     */
    private static JsonNode aliyunPush(JsonNode body, String kind) {
        if (body == null || !body.isArray()) {
            throw new InvalidRequestException("body", "expected a JSON array of " + kind + "s, got "
                    + (body == null ? "nothing" : body.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        for (int i = 0; i < body.size(); i++) {
            if (!body.get(i).isObject()) {
                throw new InvalidRequestException("[" + i + "]", "each " + kind + " is a JSON object; ["
                        + i + "] is " + body.get(i).getNodeType().name().toLowerCase(Locale.ROOT));
            }
        }
        return body;
    }

    private void receipt(String providerId, String status, String errorCode) throws IOException {
        if (providerId == null || eventOf(status) == null) {
            return; // queued, sent…: nothing to record, so no lookup (a miss refreshes the delivery log)
        }
        DeliveryLog.Delivery delivery = deliveries.byProviderId(providerId);
        if (delivery == null) {
            log.info("Delivery receipt for unknown message {} ({}) ignored", providerId, status);
            return;
        }
        event(delivery, status, errorCode, providerId);
    }

    /** The event a receipt's status makes, or null for one that makes none. */
    private static String eventOf(String status) {
        return status == null ? null : switch (status) {
            case "delivered" -> "SMS Delivered";
            case "failed", "undelivered" -> "SMS Failed";
            default -> null;
        };
    }

    private void event(DeliveryLog.Delivery delivery, String status, String errorCode, String providerId) throws IOException {
        String name = eventOf(status);
        if (name == null) {
            return;
        }
        Map<String, Object> properties = new TreeMap<>();
        properties.put("template", delivery.template());
        properties.put("messageId", providerId);
        if (errorCode != null) {
            properties.put("errorCode", errorCode);
        }
        events.publish(List.of(new EngineEvents.EngineEvent(delivery.leadId(), name,
                "sms-receipt:" + delivery.key() + ":" + status, clock.instant(), properties)));
    }

    private void reply(String from, String body, String messageId) throws IOException {
        String phone = PersonIds.normalisePhone(from);
        if (phone == null || !isStop(body)) {
            return;
        }
        String leadId = identities.leadsOf(List.of("phone:" + phone)).get("phone:" + phone);
        suppressions.suppress(new Suppressions.Suppression("sms", phone, leadId, "stop", clock.instant()));
        log.info("SMS opt-out from {} ({})", phone, leadId == null ? "no known lead" : "lead " + leadId);
        if (leadId != null) {
            events.publish(List.of(new EngineEvents.EngineEvent(leadId, "Unsubscribed", "unsubscribed:sms:" + messageId,
                    clock.instant(), Map.of("channel", "sms", "phone", phone, "keyword", body.strip()))));
        }
    }

    /** Twilio's request signature: Base64(HMAC-SHA1(auth token, URL + each POST parameter name and value, sorted)). */
    private boolean twilioSigned(String path, MultiValueMap<String, String> form, String signature) {
        if (!"twilio".equals(sms.provider()) || signature == null || sms.twilio().authToken() == null) {
            return false;
        }
        StringBuilder data = new StringBuilder(urls.publicUrl()).append(path);
        new TreeMap<>(form).forEach((name, values) -> values.forEach(value -> data.append(name).append(value)));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(sms.twilio().authToken().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] expected = mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
