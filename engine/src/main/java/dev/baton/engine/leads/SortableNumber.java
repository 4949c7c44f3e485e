package dev.baton.engine.leads;

/**
 * A number as 16 hex digits whose text order is the numbers' order (the IEEE 754 bits with the
 * sign flipped, and every bit flipped for negatives), so a text range over a flattened field
 * compares numbers as numbers.
 */
public final class SortableNumber {
    private SortableNumber() {
    }

    public static String of(double value) {
        long bits = Double.doubleToLongBits(value == 0.0 ? 0.0 : value); // -0.0 sorts as 0.0
        bits = bits < 0 ? ~bits : bits | Long.MIN_VALUE;
        return String.format("%016x", bits);
    }
}
