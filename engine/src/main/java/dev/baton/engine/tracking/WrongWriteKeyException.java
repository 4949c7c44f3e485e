package dev.baton.engine.tracking;

/** No write key, or the wrong one: 401. */
public class WrongWriteKeyException extends RuntimeException {
    WrongWriteKeyException() {
        super("missing or wrong write key: send it as the HTTP Basic user name, or as 'writeKey' in the body");
    }
}
