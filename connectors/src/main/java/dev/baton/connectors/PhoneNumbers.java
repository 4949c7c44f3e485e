package dev.baton.connectors;

import java.util.regex.Pattern;

/** E.164: a plus, a country code that does not start with 0, and at most 15 digits in all. */
public final class PhoneNumbers {
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    private PhoneNumbers() {
    }

    public static boolean isE164(String number) {
        return number != null && E164.matcher(number).matches();
    }
}
