package io.jobline.sink;

/**
 * A timeline event, read and checked: the columns of its {@code job_history} row. The envelope
 * itself is {@code source().value()}, stored as it came; the {@code jobs} row is read back from
 * it in SQL. {@code time} is the envelope's RFC 3339 text, which PostgreSQL reads.
 */
record EventRow(SinkRecord source, String jobId, long sequence, String eventId, String type, String time, String tenant)
        implements SinkRow {}
