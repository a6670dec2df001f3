package io.atelier.jobs;

import io.atelier.correlation.RequestIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The one context a worker's state lives on. Futures from the database pool, Redis or a handler may complete on any
 * thread; {@link #on} brings their outcome back here, so the worker's fields never need a lock.
 *
 * <p>Each job runs on a context of its own made from this one ({@link #forJob}): a duplicate, which runs on the same
 * thread and in order with it (its fields stay safe there), and which works for the request that made the job, so
 * that every line logged for the job, its handler's included, carries that request's id.
 */
final class WorkerContext {

  private final Context context;

  WorkerContext(Context context) {
    this.context = context;
  }

  /** The same outcome, delivered on this context. */
  <T> Future<T> on(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> {
      if (Vertx.currentContext() == context) {
        promise.handle(result);
      } else {
        context.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  /** A context for everything done for {@code job}, working for its request. */
  WorkerContext forJob(Job job) {
    return new WorkerContext(RequestIds.scoped(context, job.requestId()));
  }

  /** Runs {@code action} now on this context; the calling thread must be its own (that of the worker's context). */
  void runNow(Runnable action) {
    RequestIds.runOn(context, action);
  }

  void run(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
