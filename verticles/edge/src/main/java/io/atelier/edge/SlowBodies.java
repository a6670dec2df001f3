package io.atelier.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * A request body that does not arrive within {@code edge.bodyWaitSeconds} (a client sending a byte a second, or one
 * that stopped) is answered {@code 408} and its connection closed, so that slow clients cannot hold the edge's
 * connections and memory. Uploads (the operations the published document marks {@code x-atelier-streamed}) are left to
 * their own routes: a large file may rightly take long.
 */
final class SlowBodies implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final Duration wait;
  private final ApiContract contract;

  SlowBodies(Vertx vertx, Duration wait, ApiContract contract) {
    this.vertx = vertx;
    this.wait = wait;
    this.contract = contract;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded() || !hasBody(request) || contract.streamsBody(request)) {
      ctx.next();
      return;
    }
    long timer = vertx.setTimer(wait.toMillis(), t -> {
      if (!request.isEnded() && !ctx.response().ended() && !ctx.response().headWritten()) {
        ctx.fail(Problem.of(408, "Request timeout", "the request's body did not arrive within " + wait.toMillis() / 1000.0
            + " s (edge.bodyWaitSeconds)"));
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    ctx.next();
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !length.equals("0")) || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }
}
