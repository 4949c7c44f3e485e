package dev.baton.connectors.tasks;

import dev.baton.connectors.SendResult;

/** Creates a sales task in a CRM (or hands it to a webhook); returns the created record's id or a classified failure. */
public interface SalesTaskConnector {
    String name();

    SendResult create(SalesTask task);

    /** Whether sending the same task again is harmless (the receiver de-duplicates), e.g. a signed webhook. */
    boolean idempotent();
}
