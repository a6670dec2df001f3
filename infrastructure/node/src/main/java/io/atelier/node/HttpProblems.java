package io.atelier.node;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Problem bodies (RFC 9457) for what a node's HTTP servers answer themselves, outside any verticle's routes. */
public final class HttpProblems {

  private HttpProblems() {
  }

  /** Ends {@code response} with a problem of {@code status}; {@code type} is its last path segment. */
  public static Future<Void> answer(HttpServerResponse response, int status, String type, String title,
                                    String detail) {
    return response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "/problems/" + type).put("title", title).put("status", status)
            .put("detail", detail).encode());
  }

  /** The last route of a node's router: nothing here serves the path. */
  public static void notFound(RoutingContext ctx) {
    answer(ctx.response(), 404, "not-found", "Not found", "nothing is served at " + ctx.request().path()
        + " on this port");
  }
}
