package dev.baton.engine.tracking;

import dev.baton.engine.web.ApiProblem;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** No write key, or the wrong one: 401. */
class WrongWriteKeyException extends ApiProblem {
    WrongWriteKeyException() {
        super(HttpStatus.UNAUTHORIZED, "write-key", "Wrong write key",
                "missing or wrong write key: send it as the HTTP Basic user name, or as 'writeKey' in the body", null);
    }

    @Override
    public HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"baton-tracking\"");
        return headers;
    }
}
