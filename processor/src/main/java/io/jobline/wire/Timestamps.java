package io.jobline.wire;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** RFC 3339 times: written in UTC with exactly three fraction digits, read with any offset. */
public final class Timestamps {

    private static final DateTimeFormatter OUT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String format(long epochMillis) {
        return OUT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Epoch milliseconds of an RFC 3339 date-time with a zone offset, e.g. {@code 2026-11-29T10:00:00Z}. */
    public static long parse(String text) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
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
