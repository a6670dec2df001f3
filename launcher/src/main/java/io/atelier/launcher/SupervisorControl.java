package io.atelier.launcher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Locale;

/**
 * The supervisor's control API, on loopback only: {@code GET /nodes} (what each supervised node is doing) and
 * {@code POST /roll?verticle=NAME|all}, which answers with one JSON event a line while the roll goes on
 * ({@code atelier roll} prints them).
 */
final class SupervisorControl {

  private SupervisorControl() {
  }

  static Future<HttpServer> start(Vertx vertx, Supervisor supervisor, int port) {
    Router router = Router.router(vertx);
    router.get("/nodes").handler(ctx -> vertx.executeBlocking(supervisor::status, false)
        .onSuccess(status -> ctx.json(status))
        .onFailure(ctx::fail));
    router.post("/roll").handler(ctx -> roll(vertx, supervisor, ctx));
    router.route().last().handler(ctx -> problem(ctx.response(), 404, "no such control route: " + ctx.request().path()));
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private static void roll(Vertx vertx, Supervisor supervisor, RoutingContext ctx) {
    String asked = ctx.request().getParam("verticle");
    if (asked == null || asked.isBlank()) {
      problem(ctx.response(), 400, "name the verticle to roll: ?verticle=NAME or ?verticle=all");
      return;
    }
    VerticleName verticle = null;
    if (!asked.equals("all")) {
      verticle = Arrays.stream(VerticleName.values()).filter(v -> v.cliName().equals(asked.toLowerCase(Locale.ROOT)))
          .findFirst().orElse(null);
      if (verticle == null) {
        problem(ctx.response(), 400, "unknown verticle '" + asked + "'; known: all, "
            + String.join(", ", Arrays.stream(VerticleName.values()).map(VerticleName::cliName).toList()));
        return;
      }
      if (supervisor.running(verticle).isEmpty()) {
        problem(ctx.response(), 404, "no supervised node runs " + verticle.cliName());
        return;
      }
    }
    if (supervisor.rolling()) {
      problem(ctx.response(), 409, "a roll is under way; wait until it ends");
      return;
    }
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    response.write("");
    VerticleName target = verticle;
    Context context = vertx.getOrCreateContext();
    // A roll takes minutes of waiting on processes: a thread of its own, not one of the pool's.
    Thread roller = new Thread(() -> {
      String failure = null;
      try {
        supervisor.roll(target, event -> context.runOnContext(v -> response.write(event.encode() + "\n")));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = "the supervisor is stopping";
      } catch (RuntimeException e) {
        failure = e.getMessage();
      }
      String failed = failure;
      context.runOnContext(v -> {
        if (failed != null) {
          response.write(new JsonObject().put("event", "failed").put("reason", failed).encode() + "\n");
        }
        response.end();
      });
    }, "atelier-roll");
    roller.setDaemon(true);
    roller.start();
  }

  private static void problem(HttpServerResponse response, int status, String detail) {
    response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", response.getStatusMessage())
            .put("status", status).put("detail", detail).encode());
  }
}
