package io.atelier.edge;

import io.atelier.database.ApiKeyRepository;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Reads {@code Authorization: Bearer <key>}, finds the key's project, and scopes the request to it. */
final class ApiKeyAuthHandler implements Handler<RoutingContext> {

  private static final String PROJECT = "atelier.projectId";
  private static final String ROLE = "atelier.role";
  /** The role that may see and act on the mesh itself (its nodes), beside its own project. */
  static final String ADMIN = "admin";

  private final ApiKeyRepository keys;

  ApiKeyAuthHandler(ApiKeyRepository keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      challenge(ctx, "missing Authorization header; send 'Authorization: Bearer <api key>'");
      return;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      challenge(ctx, "the Authorization header must be 'Bearer <api key>'");
      return;
    }
    // The lookup is asynchronous: hold the body back until the route's BodyHandler is there to read it.
    ctx.request().pause();
    keys.findOwner(header.substring(7).trim()).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result().isEmpty()) {
        challenge(ctx, "the API key is not valid");
      } else {
        ctx.put(PROJECT, result.result().get().projectId());
        ctx.put(ROLE, result.result().get().role());
        ctx.next();
      }
    });
  }

  private static void challenge(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
    ctx.fail(Problem.unauthorized(detail));
  }

  /** Lets the request through only when its key has {@code role}; a {@code 403} naming it otherwise. */
  static void requireRole(RoutingContext ctx, String role) {
    if (!role.equals(ctx.get(ROLE))) {
      throw Problem.forbidden("this needs a key with the " + role + " role; this key's role is " + ctx.get(ROLE));
    }
  }

  /** Refuses a key with the {@code read} role: {@code what} changes the project. */
  static void requireWrite(RoutingContext ctx, String what) {
    if ("read".equals(ctx.get(ROLE))) {
      throw Problem.forbidden("a key with the read role cannot " + what);
    }
  }

  /** The project of the authenticated request. */
  static UUID projectId(RoutingContext ctx) {
    UUID projectId = ctx.get(PROJECT);
    if (projectId == null) {
      throw new IllegalStateException("route is not behind ApiKeyAuthHandler");
    }
    return projectId;
  }
}
