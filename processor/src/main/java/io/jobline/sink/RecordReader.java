package io.jobline.sink;

/**
 * Turns each record into the row it becomes. A value that can never be written as what its topic
 * says (no value, not JSON, a field missing or of the wrong type, an event with text jsonb cannot
 * hold) becomes a {@code malformed} rejection row with the raw bytes instead: a bad record never
 * stops the sink. A rejection with such text is read all the same and stored as bytes.
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
            String refused = JsonFields.jsonbRefuses(record.value());
            if (record.topic().equals(topics.timeline())) {
                if (refused != null) {
                    throw new MalformedRecordException(
                            "the value holds " + refused + ", which PostgreSQL jsonb cannot store");
                }
                return EnvelopeReader.read(record);
            }
            if (record.topic().equals(topics.rejections())) {
                // The processor's rejection of a command holding such text carries that command:
                // still a rejection, with its reason and names, whose value is kept as bytes.
                return RejectionReader.read(record, refused == null);
            }
            throw new MalformedRecordException("the sink does not project topic " + record.topic());
        } catch (MalformedRecordException e) {
            return RejectionRow.malformed(record, record.position() + ": " + e.getMessage());
        }
    }
}
