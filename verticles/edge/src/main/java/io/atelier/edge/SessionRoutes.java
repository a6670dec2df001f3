package io.atelier.edge;

import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.TokenHolder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * {@code POST /v1/sessions}: a sign-in link for the web app. Its session token stands for the key that asked for it,
 * with that key's role, for a short while; the link carries it in its fragment ({@code /app/#session=<token>}), which
 * browsers never send to a server, and the app sends it as the bearer of every request.
 */
final class SessionRoutes {

  private final AccessTokens tokens;

  SessionRoutes(AccessTokens tokens) {
    this.tokens = tokens;
  }

  void mount(Router router) {
    router.post("/v1/sessions").handler(this::issue);
  }

  private void issue(RoutingContext ctx) {
    // Otherwise a link could renew itself for ever, and a session would be as long-lived as a key.
    if (ApiKeyAuthHandler.session(ctx).isPresent()) {
      throw Problem.forbidden("a session cannot start another; sign-in links are issued with an API key");
    }
    Instant expiresAt = TokenRequests.expiry(ctx, TokenRequests.body(ctx), tokens::sessionExpiry);
    TokenHolder holder = ApiKeyAuthHandler.tokenHolder(ctx);
    String token = tokens.issueSessionToken(ApiKeyAuthHandler.projectId(ctx), holder, expiresAt);
    ctx.response().setStatusCode(201).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    ctx.json(new JsonObject().put("token", token).put("expiresAt", expiresAt.toString()).put("role", holder.role())
        .put("link", "/app/#session=" + token));
  }
}
