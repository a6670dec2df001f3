package io.atelier.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** The work of one job kind. */
@FunctionalInterface
public interface JobHandler {

  /**
   * Runs the job, stopping early once {@code cancellation} is requested. Fails with {@link JobFailedException}
   * when the job cannot succeed. On success it returns the
   * writer that stores the result, which runs in the same transaction that marks the job succeeded; results are keyed
   * by job id, so a job run twice leaves one result.
   */
  Future<ResultWriter> run(Job job, Cancellation cancellation);

  @FunctionalInterface
  interface ResultWriter {
    Future<Void> write(SqlClient transaction);
  }
}
