package io.jobline.sink;

import static io.jobline.sink.JsonFields.integer;
import static io.jobline.sink.JsonFields.required;
import static io.jobline.sink.JsonFields.text;
import static io.jobline.sink.JsonFields.textOrNull;
import static io.jobline.sink.JsonFields.timestamp;

import com.fasterxml.jackson.core.JsonParser;
import io.jobline.wire.EventCodec;
import java.io.IOException;

/**
 * Reads a timeline value (a CloudEvents envelope written by {@link EventCodec}) into an
 * {@link EventRow}, checking what the tables rely on: the keys are there and agree with each
 * other (subject, data.job.jobId, sequence, and the id derived from them, which is unique in
 * {@code job_history}), and the times are RFC 3339. One instance reads one record.
 */
final class EnvelopeReader {

    private String id;
    private String type;
    private String subject;
    private String time;
    private String tenant;
    private Long sequence;
    private boolean hasJob;
    private String jobId;
    private String jobType;
    private String status;
    private Long attempt;
    private Long failures;
    private Long jobSequence;
    private String createdAt;
    private String updatedAt;
    private String completedAt;

    private EnvelopeReader() {}

    static EventRow read(SinkRecord record) throws MalformedRecordException {
        EnvelopeReader reader = new EnvelopeReader();
        JsonFields.readDocument(record.value(), reader::envelopeField);
        return reader.row(record);
    }

    private boolean envelopeField(String name, JsonParser parser) throws IOException, MalformedRecordException {
        switch (name) {
            case "id" -> id = text(parser, name);
            case "type" -> type = text(parser, name);
            case "subject" -> subject = text(parser, name);
            case "time" -> time = text(parser, name);
            case "tenant" -> tenant = text(parser, name);
            case "sequence" -> sequence = integer(parser, name);
            case "data" -> JsonFields.object(parser, name, this::dataField);
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean dataField(String name, JsonParser parser) throws IOException, MalformedRecordException {
        if (!name.equals("job")) {
            return false;
        }
        hasJob = true;
        JsonFields.object(parser, "data.job", this::jobField);
        return true;
    }

    private boolean jobField(String name, JsonParser parser) throws IOException, MalformedRecordException {
        String path = "data.job." + name;
        switch (name) {
            case "jobId" -> jobId = text(parser, path);
            case "jobType" -> jobType = text(parser, path);
            case "status" -> status = text(parser, path);
            case "attempt" -> attempt = integer(parser, path);
            case "failures" -> failures = integer(parser, path);
            case "sequence" -> jobSequence = integer(parser, path);
            case "createdAt" -> createdAt = text(parser, path);
            case "updatedAt" -> updatedAt = text(parser, path);
            case "completedAt" -> completedAt = textOrNull(parser, path);
            default -> {
                return false;
            }
        }
        return true;
    }

    private EventRow row(SinkRecord source) throws MalformedRecordException {
        required(subject, "subject");
        long seq = required(sequence, "sequence");
        if (seq < 1) {
            throw new MalformedRecordException("sequence " + seq + " is not positive");
        }
        String expectedId = EventCodec.eventId(subject, seq);
        if (!expectedId.equals(required(id, "id"))) {
            throw new MalformedRecordException("id '" + id + "' is not '" + expectedId + "' (subject:sequence)");
        }
        checkJob(seq);
        return new EventRow(
                source,
                subject,
                seq,
                id,
                required(type, "type"),
                required(timestamp(time, "time"), "time"),
                required(tenant, "tenant"));
    }

    /** The snapshot fields the {@code jobs} row is read from, so that SQL never meets a gap. */
    private void checkJob(long seq) throws MalformedRecordException {
        if (!hasJob) {
            throw new MalformedRecordException("data.job is missing");
        }
        if (!subject.equals(required(jobId, "data.job.jobId"))) {
            throw new MalformedRecordException("data.job.jobId '" + jobId + "' is not the subject '" + subject + "'");
        }
        if (required(jobSequence, "data.job.sequence") != seq) {
            throw new MalformedRecordException("data.job.sequence " + jobSequence + " is not the sequence " + seq);
        }
        required(jobType, "data.job.jobType");
        required(status, "data.job.status");
        checkCounter(required(attempt, "data.job.attempt"), "data.job.attempt");
        checkCounter(required(failures, "data.job.failures"), "data.job.failures");
        required(timestamp(createdAt, "data.job.createdAt"), "data.job.createdAt");
        required(timestamp(updatedAt, "data.job.updatedAt"), "data.job.updatedAt");
        timestamp(completedAt, "data.job.completedAt");
    }

    /** The {@code jobs} columns are {@code integer}. */
    private static void checkCounter(long value, String path) throws MalformedRecordException {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new MalformedRecordException(path + " " + value + " is out of range");
        }
    }
}
