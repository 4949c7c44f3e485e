package dev.baton.engine.sales;

/** No such rep, owner or queued lead (404). */
public class SalesNotFoundException extends RuntimeException {
    public SalesNotFoundException(String what) {
        super(what);
    }
}
