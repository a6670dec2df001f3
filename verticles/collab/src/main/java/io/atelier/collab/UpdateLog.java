package io.atelier.collab;

import io.atelier.database.DocumentRepository;
import io.atelier.database.DocumentRepository.Append;
import io.atelier.database.DocumentRepository.LoggedUpdate;
import io.atelier.database.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.ClosedConnectionException;
import java.util.List;

/**
 * This node's writes to the documents' logs. Updates that arrive while a write is under way go together in the next
 * one (one statement, one commit for all of them, whatever their documents), so a busy node commits in batches as
 * large as its load while a lone update still goes at once.
 */
final class UpdateLog {

  static final int MAX_BATCH = 512;
  private static final int WRITES_IN_FLIGHT = 2;

  private final DocumentRepository documents;
  private final int poolSize;
  private final GroupCommit<Append, Long> appends;
  private final CollabMetrics metrics;
  private int pending;

  UpdateLog(DocumentRepository documents, int poolSize, CollabMetrics metrics) {
    this.documents = documents;
    this.poolSize = poolSize;
    this.metrics = metrics;
    this.appends = new GroupCommit<>(MAX_BATCH, WRITES_IN_FLIGHT, this::write);
  }

  /** Commits the update; its position in the document's log once it is committed. */
  Future<Long> append(long documentId, byte[] update) {
    pending++;
    return appends.submit(new Append(documentId, update))
        .compose(position -> position > 0 ? Future.succeededFuture(position)
            : Future.failedFuture(new IllegalStateException("the document was deleted")))
        .andThen(ignored -> pending--);
  }

  /** Updates submitted and not yet committed or failed. */
  int pending() {
    return pending;
  }

  private Future<List<Long>> write(List<Append> batch) {
    long start = System.nanoTime();
    return append(batch, poolSize)
        .andThen(result -> {
          if (result.succeeded()) {
            metrics.committed(batch.size(), System.nanoTime() - start);
          }
        });
  }

  /**
   * A pooled connection that died with a restart of PostgreSQL fails its first use, and after a restart every
   * connection of the pool may be such a one: try again, up to once per connection the pool can hold, so the last try
   * is on a fresh one. Whether a failed try committed is unknown; if it did, a later one adds rows whose updates the
   * log holds already, which changes no document (a Yjs update applied twice is applied once).
   */
  private Future<List<Long>> append(List<Append> batch, int retries) {
    return documents.appendAll(batch)
        .recover(e -> e instanceof ClosedConnectionException && retries > 0
            ? append(batch, retries - 1)
            : Future.failedFuture(e));
  }

  Future<List<LoggedUpdate>> after(long documentId, long position) {
    return documents.updatesAfter(documentId, position);
  }
}
