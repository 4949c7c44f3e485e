package dev.baton.engine.privacy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * What one feature holds about a person, for their copy of it (GDPR Art. 15, PIPL Art. 45).
 * Features declare theirs as beans; the export writes each as one member of its document, in
 * {@link #part()} order, streaming, so a person with a million events needs no more memory than
 * one with ten.
 */
public interface PersonalData {
    /** The member's name in the export ({@code profile}, {@code events}, {@code journeys}...). */
    String part();

    /** Writes the part as one JSON value (an object or an array) to {@code out}. */
    void write(Person person, JsonGenerator out) throws IOException;
}
