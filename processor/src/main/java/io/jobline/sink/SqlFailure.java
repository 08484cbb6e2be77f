package io.jobline.sink;

import java.sql.SQLException;

/** What a failed batch means for the writer, from the SQLSTATE of the error. */
enum SqlFailure {
    /** An event is already in {@code job_history} (23505): redo the batch, skipping those stored. */
    DUPLICATE,
    /**
     * A value PostgreSQL refuses (class 22 data exception, 23 integrity, 54 program limit, e.g. an
     * invalid date or an oversized key): a record of the batch can never be written.
     */
    UNWRITABLE,
    /** Anything else (connection lost, server shutting down, out of disk): try again later. */
    UNAVAILABLE;

    static SqlFailure of(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return UNAVAILABLE;
        }
        if (state.equals("23505")) {
            return DUPLICATE;
        }
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("54")) {
            return UNWRITABLE;
        }
        return UNAVAILABLE;
    }
}
