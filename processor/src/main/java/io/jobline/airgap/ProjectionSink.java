package io.jobline.airgap;

import java.util.List;

/**
 * Where {@code replay --db-url} sends what it replayed: the PostgreSQL projection, written by the
 * sink's own writer (DESIGN §4), never by a second projection of replay's own.
 */
public interface ProjectionSink extends AutoCloseable {

    /** Writes timeline or rejection records, in the order given; writing the same records again changes nothing. */
    void write(List<LogRecord> records);

    @Override
    void close();
}
