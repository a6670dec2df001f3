package io.atelier.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** The work of one job kind. */
@FunctionalInterface
public interface JobHandler {

  /**
   * Runs the job, reporting progress to {@code control} and stopping early once it says the job was cancelled.
   * Fails with {@link JobFailedException} when the job cannot succeed. On success it returns the
   * writer that stores the result, which runs in the same transaction that marks the job succeeded; results are keyed
   * by job id, so a job run twice leaves one result.
   */
  Future<ResultWriter> run(Job job, JobControl control);

  /** Releases what the handler holds (models, thread pools) once its worker has stopped. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  @FunctionalInterface
  interface ResultWriter {

    /** For jobs with nothing to store: the job is marked succeeded without opening a transaction. */
    ResultWriter NONE = transaction -> Future.succeededFuture();

    Future<Void> write(SqlClient transaction);
  }
}
