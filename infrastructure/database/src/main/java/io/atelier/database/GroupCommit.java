package io.atelier.database;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes operations that arrive while earlier ones are being written together: one round trip and one commit for
 * many, as databases group their commits. Nothing waits for a timer: with a write slot free an operation goes at
 * once, so a lone operation is as fast as before and a busy queue gets batches as large as its load.
 *
 * <p>A batch that fails is written again one operation at a time, so one bad operation fails alone.
 *
 * <p>Each result is delivered on the context that submitted its operation, not on the one whose write carried it:
 * operations of many requests share a batch, and a callback must go on working for its own request (its log lines
 * carry that request's id).
 *
 * @param <I> an operation
 * @param <O> its result; {@code write} returns one per operation, in order
 */
public final class GroupCommit<I, O> {

  /** An operation waiting for its result; {@code submitter} is null when it was submitted off any Vert.x context. */
  private record Pending<I, O>(I item, Promise<O> promise, ContextInternal submitter) {

    void deliver(AsyncResult<O> result) {
      if (submitter != null && submitter.inThread()) {
        // On the submitter's thread already: its callbacks run now (so that what they submit again joins the next
        // batch), with its context current.
        submitter.dispatch(() -> promise.handle(result));
      } else {
        // Off it, the promise made on the submitter's context runs the callbacks there.
        promise.handle(result);
      }
    }
  }

  private final int maxBatch;
  private final int maxInFlight;
  private final Function<List<I>, Future<List<O>>> write;
  private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
  private int inFlight;

  public GroupCommit(int maxBatch, int maxInFlight, Function<List<I>, Future<List<O>>> write) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("batch size and writes in flight must be at least 1");
    }
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.write = write;
  }

  public Future<O> submit(I item) {
    ContextInternal submitter = (ContextInternal) Vertx.currentContext();
    Promise<O> promise = submitter == null ? Promise.promise() : submitter.promise();
    List<Pending<I, O>> batch;
    synchronized (this) {
      waiting.add(new Pending<>(item, promise, submitter));
      batch = takeBatch();
    }
    if (batch != null) {
      flush(batch);
    }
    return promise.future();
  }

  /** The next batch to write, or null when none may go now; called holding the lock. */
  private List<Pending<I, O>> takeBatch() {
    if (waiting.isEmpty() || inFlight >= maxInFlight) {
      return null;
    }
    inFlight++;
    List<Pending<I, O>> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    return batch;
  }

  private void flush(List<Pending<I, O>> batch) {
    writeBatch(batch).onComplete(result -> {
      // Results first: callers that submit again from their callbacks join the waiting line, so the next write
      // takes them all instead of leaving with the first one alone.
      if (result.succeeded()) {
        List<O> outputs = result.result();
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).deliver(Future.succeededFuture(outputs.get(i)));
        }
      } else if (batch.size() == 1) {
        batch.get(0).deliver(Future.failedFuture(result.cause()));
      } else {
        // Someone's operation spoiled the batch: each is written alone, so only that one fails.
        batch.forEach(p -> writeBatch(List.of(p)).map(outputs -> outputs.get(0)).onComplete(p::deliver));
      }
      List<Pending<I, O>> next;
      synchronized (this) {
        inFlight--;
        next = takeBatch();
      }
      if (next != null) {
        flush(next);
      }
    });
  }

  private Future<List<O>> writeBatch(List<Pending<I, O>> batch) {
    List<I> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item()));
    try {
      return write.apply(items).compose(outputs -> outputs.size() == items.size() ? Future.succeededFuture(outputs)
          : Future.failedFuture(new IllegalStateException("a batch of " + items.size() + " gave " + outputs.size()
              + " results")));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
