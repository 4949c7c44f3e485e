package dev.baton.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Every documented endpoint that takes JSON answers a body that is not JSON, or JSON of the wrong
 * shape, with a 4xx saying what is wrong, never a 5xx: a sender's mistake is theirs to fix, and
 * a 5xx would page whoever runs Baton and make providers retry it for days.
 */
class MalformedRequestsTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyJsonEndpointRefusesAMalformedOrWronglyShapedBodyWithA4xxNeverA5xx() throws Exception {
        JsonNode docs = JSON.readTree(http.getForObject("/v3/api-docs", String.class));
        List<String> failures = new ArrayList<>();
        int probed = 0;
        for (Map.Entry<String, JsonNode> path : docs.path("paths").properties()) {
            for (String method : List.of("post", "put", "patch")) {
                JsonNode schema = jsonSchema(path.getValue().path(method).path("requestBody").path("content"));
                if (schema == null) {
                    continue;
                }
                // Path variables get an id nothing has: the body is read before any lookup.
                String url = path.getKey().replaceAll("\\{[^}]+}", "malformed-probe-" + RUN);
                for (String body : wrongBodies(schema)) {
                    ResponseEntity<String> answer = as(url).exchange(url, HttpMethod.valueOf(method.toUpperCase()),
                            jsonBody(body), String.class);
                    probed++;
                    if (!answer.getStatusCode().is4xxClientError()) {
                        failures.add(method.toUpperCase() + " " + path.getKey() + " with " + body + " -> "
                                + answer.getStatusCode().value() + " " + abbreviated(answer.getBody()));
                    }
                }
            }
        }
        failures.forEach(failure -> System.out.println("Malformed body not refused: " + failure));
        assertThat(probed).as("requests sent").isGreaterThan(20);
        assertThat(failures).as("endpoints answering a malformed body with other than a 4xx").isEmpty();
    }

    @Test
    void everyEndpointAnswersOddPathValuesWithoutA5xx() throws Exception {
        JsonNode docs = JSON.readTree(http.getForObject("/v3/api-docs", String.class));
        // Ids nothing has, numbers that are not numbers or do not fit, encoded dots and spaces,
        // a very long id and non-ASCII: each a client's mistake, none the server's.
        List<String> oddValues = List.of("no-such-" + RUN, "abc", "-1", "99999999999999999999", "x%20y", "%2E%2E",
                "x".repeat(600), "%C3%BC%E2%82%AC");
        List<String> failures = new ArrayList<>();
        int probed = 0;
        for (Map.Entry<String, JsonNode> path : docs.path("paths").properties()) {
            if (!path.getKey().contains("{")) {
                continue;
            }
            for (String method : List.of("get", "delete", "post")) {
                JsonNode operation = path.getValue().path(method);
                if (operation.isMissingNode()) {
                    continue;
                }
                boolean takesBody = jsonSchema(operation.path("requestBody").path("content")) != null;
                for (String value : oddValues) {
                    String url = path.getKey().replaceAll("\\{[^}]+}", value);
                    ResponseEntity<String> answer = as(url).exchange(java.net.URI.create(url),
                            HttpMethod.valueOf(method.toUpperCase()), takesBody ? jsonBody("{}") : null, String.class);
                    probed++;
                    if (answer.getStatusCode().is5xxServerError()) {
                        failures.add(method.toUpperCase() + " " + url + " -> " + answer.getStatusCode().value() + " "
                                + abbreviated(answer.getBody()));
                    }
                }
            }
        }
        failures.forEach(failure -> System.out.println("Odd path value answered with a 5xx: " + failure));
        assertThat(probed).as("requests sent").isGreaterThan(100);
        assertThat(failures).as("endpoints answering an odd path value with a 5xx").isEmpty();
    }

    @Test
    void aMalformedBodyIsRefusedSayingWhereAndAWronglyShapedOneSayingWhatWasExpected() throws Exception {
        JsonNode malformed = JSON.readTree(admin().postForEntity("/api/shares", jsonBody("{\"campaign\":"), String.class).getBody());
        assertThat(malformed.path("status").asInt()).isEqualTo(400);
        assertThat(malformed.path("detail").asText()).startsWith("malformed JSON at line 1, column ");

        JsonNode array = JSON.readTree(admin().postForEntity("/api/shares", jsonBody("[]"), String.class).getBody());
        assertThat(array.path("status").asInt()).isEqualTo(400);
        assertThat(array.path("detail").asText()).isEqualTo("the body: expected a JSON object");

        JsonNode field = JSON.readTree(admin().postForEntity("/api/shares",
                jsonBody("{\"campaign\":{\"id\":\"x\"}}"), String.class).getBody());
        assertThat(field.path("status").asInt()).isEqualTo(400);
        assertThat(field.path("field").asText()).isEqualTo("campaign");
        assertThat(field.path("detail").asText()).isEqualTo("campaign: expected a string");
    }

    @Test
    void aliyunPushesThatAreNotAJsonArrayOfObjectsAreRefusedAndAGoodOneIsAcknowledgedAsAliyunExpects() throws Exception {
        for (String body : List.of("{\"", "{\"out_id\":\"x\"}", "[\"x\"]", "\"x\"")) {
            for (String push : List.of("/sms/aliyun/report", "/sms/aliyun/reply")) {
                ResponseEntity<String> refused = http.postForEntity(push, jsonBody(body), String.class);
                assertThat(refused.getStatusCode().value()).as(push + " " + body + ": " + refused.getBody()).isEqualTo(400);
                assertThat(JSON.readTree(refused.getBody()).path("detail").asText()).as(push + " " + body).isNotBlank();
            }
        }
        ResponseEntity<String> report = http.postForEntity("/sms/aliyun/report", jsonBody("""
                [{"phone_number":"13800000000","success":true,"biz_id":"b-%1$s","out_id":"unknown-%1$s"},
                 {"phone_number":"13800000001","success":false,"err_code":"MOBILE_NOT_ON_SERVICE"}]""".formatted(RUN)), String.class);
        assertThat(report.getStatusCode().value()).as(report.getBody()).isEqualTo(200);
        assertThat(JSON.readTree(report.getBody())).isEqualTo(JSON.readTree("{\"code\":0,\"msg\":\"成功\"}"));
        ResponseEntity<String> reply = http.postForEntity("/sms/aliyun/reply", jsonBody("[]"), String.class);
        assertThat(JSON.readTree(reply.getBody())).isEqualTo(JSON.readTree("{\"code\":0,\"msg\":\"成功\"}"));
    }

    /** The schema of a JSON request body, or null when the operation takes none. */
    private static JsonNode jsonSchema(JsonNode content) {
        for (Map.Entry<String, JsonNode> type : content.properties()) {
            if (type.getKey().contains("json")) {
                return type.getValue().path("schema");
            }
        }
        return null;
    }

    /** Not JSON at all, and JSON of another shape than the one documented. */
    private static List<String> wrongBodies(JsonNode schema) {
        String type = schema.has("$ref") ? "object" : schema.path("type").asText("object");
        List<String> bodies = new ArrayList<>(List.of("{\""));
        bodies.add("array".equals(type) ? "{}" : "[]");
        if (!"string".equals(type)) {
            bodies.add("\"x\"");
        }
        return bodies;
    }

    /** Tracking takes the write key; the rest of the API an admin. */
    private TestRestTemplate as(String url) {
        return url.startsWith("/v1/") ? http.withBasicAuth(WRITE_KEY, "") : admin();
    }

    private static String abbreviated(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
