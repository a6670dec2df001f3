package io.atelier.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /health/live} (the process serves; {@code /health} is the same), and {@code /health/ready} (the node takes
 * new work: {@code 503} while starting, draining, or when a dependency does not answer, with what is failing). Load
 * balancers route on ready; supervisors restart on live.
 */
public final class HealthRoutes {

  private HealthRoutes() {
  }

  public static void mount(Router router, Node node) {
    router.get("/health").handler(ctx -> ctx.json(live(node)));
    router.get("/health/live").handler(ctx -> ctx.json(live(node)));
    router.get("/health/ready").handler(ctx -> {
      Node.Readiness readiness = node.readiness();
      JsonObject body = new JsonObject().put("node", node.id()).put("state", readiness.state().wireName());
      if (readiness.ready()) {
        ctx.json(body.put("status", "ready"));
        return;
      }
      String why = readiness.failing().isEmpty() ? "the node is " + readiness.state().wireName()
          : "not reachable: " + String.join("; ", readiness.failing());
      // A problem (RFC 9457), so its status is the HTTP one; the node's own state is beside it.
      ctx.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
          .putHeader("Retry-After", "5")
          .end(body.put("type", "/problems/not-ready").put("title", "Not ready").put("status", 503)
              .put("detail", why).put("failing", new JsonArray(readiness.failing()))
              .put("instance", ctx.request().path()).encode());
    });
  }

  private static JsonObject live(Node node) {
    return new JsonObject().put("status", "up").put("node", node.id()).put("state", node.state().wireName());
  }
}
