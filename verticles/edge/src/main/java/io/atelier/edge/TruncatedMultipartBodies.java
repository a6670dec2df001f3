package io.atelier.edge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Put before a multipart route's BodyHandler, on a route of its own (Vert.x wants a route's body handler before any
 * other of its handlers); the route's handler calls {@link #bodyRead} first.
 */
final class TruncatedMultipartBodies implements Handler<RoutingContext> {

  private static final String BODY_READ = "atelier.bodyRead";
  private static final long TRUNCATION_CHECK_MILLIS = 100;
  private static final long TRUNCATION_GRACE_NANOS = 1_500_000_000L;

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
   * leaves one that never does: without this, such a request would get no answer at all. Once the request has ended,
   * the body has not been handed on, and its part files have stopped growing for a while, it is answered with a 400
   * (and its part files deleted with it). The files are written on worker threads: on a busy node the last writes of a
   * whole body can land well after the request ended, so a fixed delay alone took complete bodies for cut ones.
   */
  @Override
  public void handle(RoutingContext ctx) {
    long[] stillSince = {0};
    long[] lastBytes = {-1};
    boolean[] checking = {false};
    long timer = vertx.setPeriodic(TRUNCATION_CHECK_MILLIS, t -> {
      if (ctx.response().ended() || ctx.get(BODY_READ) != null) {
        vertx.cancelTimer(t);
      } else if (ctx.request().isEnded() && !checking[0]) {
        checking[0] = true;
        partBytes(ctx).onComplete(bytes -> {
          checking[0] = false;
          long now = System.nanoTime();
          long seen = bytes.succeeded() ? bytes.result() : -2;
          if (seen != lastBytes[0]) {
            lastBytes[0] = seen;
            stillSince[0] = now;
          } else if (now - stillSince[0] > TRUNCATION_GRACE_NANOS && ctx.get(BODY_READ) == null
              && !ctx.response().ended()) {
            vertx.cancelTimer(t);
            // BodyHandler deletes its part files once the body is complete; this one never will be.
            ctx.fileUploads().forEach(part -> vertx.fileSystem().delete(part.uploadedFileName()));
            ctx.fail(Problem.badRequest("the multipart body ended before its closing boundary: the file was cut short;"
                + " nothing was stored"));
          }
        });
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    ctx.next();
  }

  /** The bytes written so far to the body's part files. */
  private Future<Long> partBytes(RoutingContext ctx) {
    List<Future<Long>> sizes = ctx.fileUploads().stream()
        .map(part -> vertx.fileSystem().props(part.uploadedFileName()).map(FileProps::size).otherwise(0L))
        .toList();
    return Future.all(sizes).map(all -> sizes.stream().mapToLong(Future::result).sum());
  }
}
