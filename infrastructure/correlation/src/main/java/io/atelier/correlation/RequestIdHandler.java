package io.atelier.correlation;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of a router: gives the request its id (the client's {@code X-Request-Id} when acceptable, a new
 * one otherwise), sets it on the request's context for every log line written while handling it, and answers with it
 * in {@code X-Request-Id}, problems included. The request's own header is set to it too, so that a request relayed to
 * another node (collab, upload) goes on with the same id.
 */
public final class RequestIdHandler implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String id = RequestIds.fromClient(ctx.request().getHeader(RequestIds.HTTP_HEADER));
    // Vert.x runs each HTTP request on a duplicated context of its own: that is where the id lives.
    RequestIds.set(Vertx.currentContext(), id);
    ctx.request().headers().set(RequestIds.HTTP_HEADER, id);
    ctx.response().putHeader(RequestIds.HTTP_HEADER, id);
    ctx.next();
  }
}
