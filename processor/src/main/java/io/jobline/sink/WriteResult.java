package io.jobline.sink;

/**
 * What one {@link SinkWriter#write} did.
 *
 * @param records records given
 * @param alreadyWritten records skipped because the stored offsets were already past them
 * @param events rows added to {@code job_history}
 * @param jobs rows of {@code jobs} inserted or moved forward
 * @param rejections rows added to {@code job_rejections}, malformed records included
 * @param malformed records stored raw in {@code job_rejections} because they can never be written
 * @param duplicateRetries transactions redone because an event was already in {@code job_history}
 * @param unwritableRetries transactions redone in halves to set apart a record PostgreSQL refused
 */
public record WriteResult(
        int records,
        int alreadyWritten,
        long events,
        int jobs,
        int rejections,
        int malformed,
        int duplicateRetries,
        int unwritableRetries) {

    static final WriteResult NOTHING = new WriteResult(0, 0, 0, 0, 0, 0, 0, 0);

    WriteResult plus(WriteResult other) {
        return new WriteResult(
                records + other.records,
                alreadyWritten + other.alreadyWritten,
                events + other.events,
                jobs + other.jobs,
                rejections + other.rejections,
                malformed + other.malformed,
                duplicateRetries + other.duplicateRetries,
                unwritableRetries + other.unwritableRetries);
    }

    WriteResult withDuplicateRetry() {
        return new WriteResult(
                records, alreadyWritten, events, jobs, rejections, malformed, duplicateRetries + 1, unwritableRetries);
    }

    WriteResult withUnwritableRetry() {
        return new WriteResult(
                records, alreadyWritten, events, jobs, rejections, malformed, duplicateRetries, unwritableRetries + 1);
    }
}
