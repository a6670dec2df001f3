package io.atelier.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Put before a multipart route's BodyHandler, on a route of its own (Vert.x wants a route's body handler before any
 * other of its handlers); the route's handler calls {@link #bodyRead} first.
 */
final class TruncatedMultipartBodies implements Handler<RoutingContext> {

  private static final String BODY_READ = "atelier.bodyRead";
  private static final long TRUNCATION_CHECK_MILLIS = 100;
  private static final long TRUNCATION_GRACE_NANOS = 300_000_000L;

  private final Vertx vertx;

  TruncatedMultipartBodies(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Tells the watch that the body was read whole and handed on. */
  static void bodyRead(RoutingContext ctx) {
    ctx.put(BODY_READ, true);
  }

  /**
   * BodyHandler waits for every file part of a multipart body to end, and a body cut before its closing boundary
   * leaves one that never does: without this, such a request would get no answer at all. Once the request has ended
   * and the body still has not been handed on, it is answered with a 400 (and its part file deleted with it).
   */
  @Override
  public void handle(RoutingContext ctx) {
    long[] endedAt = {0};
    long timer = vertx.setPeriodic(TRUNCATION_CHECK_MILLIS, t -> {
      if (ctx.response().ended() || ctx.get(BODY_READ) != null) {
        vertx.cancelTimer(t);
      } else if (ctx.request().isEnded()) {
        if (endedAt[0] == 0) {
          endedAt[0] = System.nanoTime();
        } else if (System.nanoTime() - endedAt[0] > TRUNCATION_GRACE_NANOS) {
          vertx.cancelTimer(t);
          // BodyHandler deletes its part files once the body is complete; this one never will be.
          ctx.fileUploads().forEach(part -> vertx.fileSystem().delete(part.uploadedFileName()));
          ctx.fail(Problem.badRequest("the multipart body ended before its closing boundary: the file was cut short;"
              + " nothing was stored"));
        }
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    ctx.next();
  }
}
