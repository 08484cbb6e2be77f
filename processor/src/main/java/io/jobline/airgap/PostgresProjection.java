package io.jobline.airgap;

import io.jobline.sink.SinkRecord;
import io.jobline.sink.SinkWriter;
import io.jobline.sink.WriteResult;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills PostgreSQL from replayed timeline and rejection files through the sink's own
 * {@link SinkWriter} (DESIGN §4), so the rows are the ones the live sink writes: history and jobs
 * from the same events, rejections from the same records. Replayed records have no Kafka offsets;
 * they are numbered per partition in file order, which keys their rejection rows the same way on
 * every run, so writing a replay twice changes nothing.
 */
public final class PostgresProjection {

    /** What was written: records read, and rows added to each table. */
    public record Result(long records, long events, long jobs, long rejections) {
        Result plus(WriteResult written) {
            return new Result(
                    records + written.records(),
                    events + written.events(),
                    jobs + written.jobs(),
                    rejections + written.rejections());
        }
    }

    private final SinkWriter writer;
    private final int batchSize;

    public PostgresProjection(SinkWriter writer, int batchSize) {
        this.writer = writer;
        this.batchSize = batchSize;
    }

    /** Writes the records of each file (replay outputs), in order, in batches of one transaction each. */
    public Result write(List<Path> files) {
        Result result = new Result(0, 0, 0, 0);
        for (Path file : files) {
            result = write(file, result);
        }
        return result;
    }

    private Result write(Path file, Result before) {
        Map<String, Long> nextOffset = new HashMap<>();
        List<SinkRecord> batch = new ArrayList<>(batchSize);
        Result[] result = {before};
        try (LogInput input =
                LogInput.open(file, manifest -> manifest.processor().timelineTopic())) {
            input.forEach(record -> {
                String partition = record.topic() + "-" + record.partition();
                long offset = record.hasOffset() ? record.offset() : nextOffset.merge(partition, 1L, Long::sum) - 1;
                batch.add(new SinkRecord(
                        record.topic(), record.partition(), offset, record.key(), record.value(), record.timestamp()));
                if (batch.size() == batchSize) {
                    result[0] = result[0].plus(flush(batch, file));
                }
            });
        }
        return batch.isEmpty() ? result[0] : result[0].plus(flush(batch, file));
    }

    private WriteResult flush(List<SinkRecord> batch, Path file) {
        try {
            // No offsets to store: these records come from a file, not from the sink's consumer.
            WriteResult written = writer.write(List.copyOf(batch), Map.of());
            batch.clear();
            return written;
        } catch (SQLException e) {
            throw new AirGapException("cannot write " + file + " to PostgreSQL: " + e.getMessage(), e);
        }
    }
}
