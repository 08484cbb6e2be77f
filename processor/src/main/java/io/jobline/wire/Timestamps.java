package io.jobline.wire;

import io.jobline.domain.Lifecycle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** RFC 3339 times: written in UTC with exactly three fraction digits, read with any offset. */
public final class Timestamps {

    private static final DateTimeFormatter OUT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0000-01-01T00:00:00.000Z, the earliest time RFC 3339 can write. */
    private static final long EARLIEST = -62_167_219_200_000L;

    private Timestamps() {}

    /**
     * Every event carries several of these, so years 0000-9999 are written by hand: the same
     * characters as {@link #OUT}, without its per-call temporal machinery (a sixth of the cost of
     * rendering an event). Other years, which {@code uuuu} prints with a sign, go through {@link #OUT}.
     */
    public static String format(long epochMillis) {
        byte[] text = new byte[MAX_LENGTH];
        return new String(text, 0, format(epochMillis, text, 0), StandardCharsets.US_ASCII);
    }

    /** The most bytes {@link #format(long, byte[], int)} writes. */
    public static final int MAX_LENGTH = 32;

    /** Writes the time as {@link #format(long)} does into {@code text} at {@code at}; returns where it ends. */
    public static int format(long epochMillis, byte[] text, int at) {
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        Day date = lastDay;
        if (date.epochDay != day) {
            LocalDate local = LocalDate.ofEpochDay(day);
            if (local.getYear() < 0 || local.getYear() > 9999) {
                byte[] signed = OUT.format(Instant.ofEpochMilli(epochMillis)).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(signed, 0, text, at, signed.length);
                return at + signed.length;
            }
            date = Day.of(day, local);
            lastDay = date;
        }
        System.arraycopy(date.text, 0, text, at, 10);
        text[at + 10] = 'T';
        digits(text, at + 11, millisOfDay / 3_600_000, 2);
        text[at + 13] = ':';
        digits(text, at + 14, millisOfDay / 60_000 % 60, 2);
        text[at + 16] = ':';
        digits(text, at + 17, millisOfDay / 1_000 % 60, 2);
        text[at + 19] = '.';
        digits(text, at + 20, millisOfDay % 1_000, 3);
        text[at + 23] = 'Z';
        return at + 24;
    }

    /**
     * The date part of the latest day written: the events of a log fall on few days, and
     * {@link LocalDate#ofEpochDay} is most of the cost of a timestamp. Immutable, so threads may
     * share it through a plain field.
     */
    private record Day(long epochDay, byte[] text) {
        static Day of(long epochDay, LocalDate date) {
            // Filled before the record is made: its final field then publishes the whole array.
            byte[] text = new byte[10];
            digits(text, 0, date.getYear(), 4);
            text[4] = '-';
            digits(text, 5, date.getMonthValue(), 2);
            text[7] = '-';
            digits(text, 8, date.getDayOfMonth(), 2);
            return new Day(epochDay, text);
        }
    }

    private static Day lastDay = Day.of(0, LocalDate.ofEpochDay(0));

    private static void digits(byte[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Whether {@link #format} writes {@code epochMillis} as RFC 3339: years 0000 to 9999 in UTC. */
    public static boolean isWritable(long epochMillis) {
        return epochMillis >= EARLIEST && epochMillis <= Lifecycle.LATEST_TIME;
    }

    /** Epoch milliseconds of an RFC 3339 date-time with a zone offset, e.g. {@code 2026-11-29T10:00:00Z}. */
    public static long parse(String text) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
