package io.atelier.jobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The one context a worker's state lives on. Futures from the database pool, Redis or a handler may complete on any
 * thread; {@link #on} brings their outcome back here, so the worker's fields never need a lock.
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

  void run(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
