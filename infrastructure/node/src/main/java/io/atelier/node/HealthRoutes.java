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
      JsonObject body = new JsonObject().put("status", readiness.ready() ? "ready" : readiness.state().wireName())
          .put("node", node.id());
      if (readiness.ready()) {
        ctx.json(body);
        return;
      }
      String why = readiness.failing().isEmpty() ? "the node is " + readiness.state().wireName()
          : "not reachable: " + String.join("; ", readiness.failing());
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
