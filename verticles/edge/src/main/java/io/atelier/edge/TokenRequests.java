package io.atelier.edge;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Function;

/** What the routes that issue tokens (documents, uploads, sessions) read of their request alike. */
final class TokenRequests {

  private TokenRequests() {
  }

  /** The request's JSON body, or an empty object when it has none: every field of a token request is optional. */
  static JsonObject body(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().length() <= 0 ? new JsonObject() : JobRoutes.jsonBody(ctx);
  }

  /**
   * When a token asked for now expires: by {@code rule} (which fails on a life out of its bounds), from the body's
   * {@code ttlSeconds} (null when absent), and never after the session the request came with, if it came with one:
   * a session hands out nothing that outlives it. A 400 naming {@code ttlSeconds} when the rule refuses it.
   */
  static Instant expiry(RoutingContext ctx, JsonObject body, Function<Integer, Instant> rule) {
    Object ttl = body.getValue("ttlSeconds");
    if (ttl != null && !(ttl instanceof Integer)) {
      throw Problem.invalidField("ttlSeconds", "ttlSeconds must be a whole number of seconds");
    }
    Instant asked;
    try {
      asked = rule.apply((Integer) ttl);
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("ttlSeconds", e.getMessage());
    }
    return ApiKeyAuthHandler.session(ctx).map(session -> session.expiresAt().isBefore(asked)
        ? session.expiresAt() : asked).orElse(asked);
  }
}
