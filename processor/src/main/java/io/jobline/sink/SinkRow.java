package io.jobline.sink;

/** What one record becomes in PostgreSQL: a timeline event, or a row of {@code job_rejections}. */
sealed interface SinkRow permits EventRow, RejectionRow {

    SinkRecord source();
}
