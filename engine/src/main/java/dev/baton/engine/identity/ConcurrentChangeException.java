package dev.baton.engine.identity;

import java.io.IOException;

/**
 * Another node or partition changed an identity or a lead profile between this batch's read and
 * its write (a conditional write or a create-only write lost). Not an outage: the batch is redone
 * at once on fresh reads.
 */
public class ConcurrentChangeException extends IOException {
    public ConcurrentChangeException(String message) {
        super(message);
    }
}
