package io.atelier.collab;

import io.atelier.contracts.DocumentRelay;
import io.atelier.database.DocumentRepository;
import io.atelier.database.DocumentRepository.LoggedUpdate;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * One document open on this node: its connections, what has been delivered to them, and who is there (awareness).
 * Runs on the collab verticle's event loop only.
 *
 * <p>There is no CRDT here: the document is the merge of the updates delivered, kept as one Yjs update and merged
 * lazily with what arrived since (on a worker thread), so a keystroke costs no merge. Every update delivered has a
 * position in the document's log; positions seen are tracked so that a relay the bus lost shows up as a gap, filled
 * from PostgreSQL.
 */
final class DocumentRoom {

  /** Below this many bytes, Yjs work runs on the event loop: see {@link #run}. */
  private static final long INLINE_BYTES = 256 * 1024;

  private final long documentId;
  private final Vertx vertx;
  private final YjsUpdates yjs;
  private final UpdateLog log;
  private final Consumer<DocumentRelay> publish;
  private final CollabMetrics metrics;
  private final String nodeId;
  final Set<CollabConnection> connections = new LinkedHashSet<>();
  final AwarenessStates awareness = new AwarenessStates();

  /** The merge of every update delivered up to the last merge, and those delivered since. */
  private byte[] merged;
  private List<byte[]> unmerged = new ArrayList<>();
  private Future<byte[]> merging;
  /** Every position up to this one has been delivered; {@code ahead} holds those delivered beyond it. */
  private long contiguous;
  private final TreeSet<Long> ahead = new TreeSet<>();
  /** The state vector of {@code stateVectorOf}, the state it was last computed from. */
  private byte[] stateVector;
  private byte[] stateVectorOf;
  private boolean catchingUp;
  private boolean catchUpAgain;
  /** Rows in the log, as far as this node knows: past the threshold, the log is compacted. */
  private long logRows;
  private boolean compacting;
  /** Updates of this node's clients being committed, and who waits until none is. */
  private int committing;
  private final List<Promise<Void>> waitingForCommits = new ArrayList<>();
  long emptySince = System.nanoTime();

  DocumentRoom(long documentId, Vertx vertx, YjsUpdates yjs, UpdateLog log, Consumer<DocumentRelay> publish,
               CollabMetrics metrics, String nodeId) {
    this.documentId = documentId;
    this.vertx = vertx;
    this.yjs = yjs;
    this.log = log;
    this.publish = publish;
    this.metrics = metrics;
    this.nodeId = nodeId;
  }

  long documentId() {
    return documentId;
  }

  /** Tells the other nodes that have the document open. */
  void publish(DocumentRelay relay) {
    publish.accept(relay);
  }

  /** Loads the log: the room's state is its merge, and every position in it counts as delivered. */
  Future<Void> load() {
    return log.after(documentId, 0).compose(rows -> vertx.executeBlocking(() -> {
      List<byte[]> updates = rows.stream().map(LoggedUpdate::update).toList();
      return updates.isEmpty() ? yjs.merge(List.of()) : yjs.merge(updates);
    }, false).map(state -> {
      merged = state;
      logRows = rows.size();
      contiguous = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).position();
      return null;
    }));
  }

  /** The document as one update: everything delivered to this node's connections so far. */
  Future<byte[]> state() {
    if (unmerged.isEmpty()) {
      return Future.succeededFuture(merged);
    }
    if (merging != null) {
      return merging;
    }
    List<byte[]> parts = new ArrayList<>(unmerged.size() + 1);
    parts.add(merged);
    parts.addAll(unmerged);
    int taken = unmerged.size();
    Promise<byte[]> merge = Promise.promise();
    merging = merge.future();
    // The merge may be done before its handler is attached: the handler runs after `merging` is set, either way.
    long bytes = 0;
    for (byte[] part : parts) {
      bytes += part.length;
    }
    run(bytes, () -> yjs.merge(parts)).onComplete(result -> {
      merging = null;
      if (result.succeeded()) {
        merged = result.result();
        unmerged = new ArrayList<>(unmerged.subList(taken, unmerged.size()));
      }
      merge.handle(result);
    });
    return merge.future();
  }

  /**
   * What a peer at {@code stateVector} lacks of the document, once the updates being committed are in: a client
   * that syncs gets everything this node had received before it asked.
   */
  Future<byte[]> diff(byte[] stateVector) {
    return commitsSettled().compose(ignored -> state())
        .compose(state -> run(state.length, () -> yjs.diff(state, stateVector)));
  }

  private Future<Void> commitsSettled() {
    if (committing == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    waitingForCommits.add(settled);
    return settled.future();
  }

  /** The document's state vector. */
  Future<byte[]> stateVector() {
    return state().compose(state -> {
      if (state == stateVectorOf && stateVector != null) {
        return Future.succeededFuture(stateVector);
      }
      return run(state.length, () -> yjs.stateVector(state)).onSuccess(sv -> {
        stateVectorOf = state;
        stateVector = sv;
      });
    });
  }

  /** Whether {@code update} holds anything the updates delivered here do not (see {@link YjsUpdates#adds}). */
  Future<Boolean> adds(byte[] update) {
    return state().compose(state -> run(state.length + update.length, () -> yjs.adds(state, update)));
  }

  /**
   * Runs Yjs work on the event loop when it is small (a typical document: microseconds, and no thread hop), on a
   * worker thread when it is not, so that a large document never holds up the other documents.
   */
  private <T> Future<T> run(long bytes, Callable<T> work) {
    if (bytes > INLINE_BYTES) {
      return vertx.executeBlocking(work, false);
    }
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Commits a client's update, then delivers it to the others here and relays it to other nodes. Fails (and nobody
   * sees the update) when it cannot be committed.
   */
  Future<Void> commit(byte[] update, CollabConnection from) {
    committing++;
    return log.append(documentId, update).andThen(ignored -> {
      if (--committing == 0 && !waitingForCommits.isEmpty()) {
        List<Promise<Void>> waiting = new ArrayList<>(waitingForCommits);
        waitingForCommits.clear();
        // After this update's own delivery below, which the map runs first.
        vertx.runOnContext(v -> waiting.forEach(Promise::tryComplete));
      }
    }).map(position -> {
      metrics.update(update.length);
      logRows++;
      if (deliver(position, update, from)) {
        publish(DocumentRelay.update(nodeId, position, update));
      }
      return null;
    });
  }

  /** A relay from another node. */
  void relayed(DocumentRelay relay) {
    metrics.relayed();
    logRows++;
    deliver(relay.position(), relay.payload(), null);
  }

  /** Sends the update at {@code position} to every connection but {@code except}, once; false when it had been. */
  private boolean deliver(long position, byte[] update, CollabConnection except) {
    if (position <= contiguous || ahead.contains(position)) {
      return false;
    }
    unmerged.add(update);
    byte[] message = new CollabMessage.Update(update).encode();
    for (CollabConnection connection : connections) {
      if (connection != except) {
        connection.send(message);
      }
    }
    if (position == contiguous + 1) {
      contiguous = position;
      while (!ahead.isEmpty() && ahead.first() == contiguous + 1) {
        contiguous = ahead.pollFirst();
      }
    } else {
      ahead.add(position);
    }
    return true;
  }

  /** Whether positions up to {@code head} have not all been delivered here. */
  boolean behind(long head) {
    return head > contiguous && ahead.subSet(contiguous + 1, true, head, true).size() < head - contiguous;
  }

  /** Whether a gap is open (a position missing below one delivered). */
  boolean hasGap() {
    return !ahead.isEmpty();
  }

  /** Reads what the log holds beyond what was delivered here, and delivers it. */
  Future<Void> catchUp() {
    if (catchingUp) {
      catchUpAgain = true;
      return Future.succeededFuture();
    }
    catchingUp = true;
    metrics.caughtUp();
    return log.after(documentId, contiguous).map(rows -> {
      for (LoggedUpdate row : rows) {
        deliver(row.position(), row.update(), null);
      }
      if (!rows.isEmpty()) {
        // A compacted row stands for every position up to its own: those before it are in it.
        long last = rows.get(rows.size() - 1).position();
        contiguous = Math.max(contiguous, last);
        ahead.headSet(contiguous, true).clear();
        while (!ahead.isEmpty() && ahead.first() == contiguous + 1) {
          contiguous = ahead.pollFirst();
        }
      }
      return (Void) null;
    }).eventually(() -> {
      catchingUp = false;
      if (catchUpAgain) {
        catchUpAgain = false;
        return catchUp();
      }
      return Future.succeededFuture();
    });
  }

  /** Whether the log has grown past {@code threshold} rows and no compaction runs here. */
  boolean wantsCompaction(int threshold) {
    return !compacting && logRows > threshold;
  }

  /**
   * Merges the log's rows into one, in one transaction (see {@code DocumentRepository#compact}), when it has more
   * than {@code threshold}; what this node believes of the log's length is corrected from what it read.
   */
  Future<Boolean> compact(DocumentRepository documents, int threshold) {
    compacting = true;
    Promise<Boolean> done = Promise.promise();
    log.after(documentId, 0).compose(rows -> {
      logRows = rows.size();
      if (rows.size() <= threshold) {
        return Future.succeededFuture(false);
      }
      long last = rows.get(rows.size() - 1).position();
      record Merged(byte[] update, long nanos) {
      }
      return vertx.executeBlocking(() -> {
            long start = System.nanoTime();
            byte[] merged = yjs.merge(rows.stream().map(LoggedUpdate::update).toList());
            return new Merged(merged, System.nanoTime() - start);
          }, false)
          .compose(merged -> documents.compact(documentId, last, rows.size(), merged.update())
              .onSuccess(compacted -> {
                if (compacted) {
                  logRows -= rows.size() - 1;
                  metrics.compacted(merged.nanos());
                }
              }));
    }).onComplete(result -> {
      compacting = false;
      done.handle(result);
    });
    return done.future();
  }
}
