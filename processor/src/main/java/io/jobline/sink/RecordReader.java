package io.jobline.sink;

/**
 * Turns each record into the row it becomes. A value that can never be written as what its topic
 * says (no value, not JSON, a field missing or of the wrong type, text jsonb cannot hold) becomes
 * a {@code malformed} rejection row with the raw bytes instead: a bad record never stops the sink.
 */
final class RecordReader {

    private final SinkTopics topics;

    RecordReader(SinkTopics topics) {
        this.topics = topics;
    }

    SinkRow read(SinkRecord record) {
        try {
            if (record.value() == null) {
                throw new MalformedRecordException("the record has no value");
            }
            if (JsonFields.hasNulEscape(record.value())) {
                throw new MalformedRecordException("the value holds \\u0000, which PostgreSQL jsonb cannot store");
            }
            if (record.topic().equals(topics.timeline())) {
                return EnvelopeReader.read(record);
            }
            if (record.topic().equals(topics.rejections())) {
                return RejectionReader.read(record);
            }
            throw new MalformedRecordException("the sink does not project topic " + record.topic());
        } catch (MalformedRecordException e) {
            return RejectionRow.malformed(record, record.position() + ": " + e.getMessage());
        }
    }
}
