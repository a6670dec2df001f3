package io.atelier.edge;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.ApiKeyRepository.KeyOwner;
import io.atelier.database.ApiKeyRepository.Role;
import io.atelier.tokens.TokenHolder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads {@code Authorization: Bearer <key>}, finds the key's project, scopes the request to it, and lets it through
 * only if the key's role may make it ({@link #neededRole}: the one place that says which role each route needs).
 */
final class ApiKeyAuthHandler implements Handler<RoutingContext> {

  private static final String OWNER = "atelier.keyOwner";
  private static final Set<HttpMethod> READING = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** A read key may ask for a document token: it gets a read-only one. */
  private static final Pattern DOCUMENT_TOKENS = Pattern.compile("/v1/documents/[^/]+/tokens");

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
        return;
      }
      if (result.result().isEmpty()) {
        challenge(ctx, "the API key is not valid");
        return;
      }
      KeyOwner owner = result.result().get();
      Role needed = neededRole(ctx.request().method(), ctx.normalizedPath());
      if (!owner.role().covers(needed)) {
        // Refused before the body is read: a read key's upload is not taken in only to be thrown away.
        ctx.fail(Problem.forbidden("this needs a key with the " + needed.wireName() + " role"
            + (needed == Role.ADMIN ? "" : " or above") + "; this key's role is " + owner.role().wireName()));
        return;
      }
      ctx.put(OWNER, owner);
      ctx.next();
    });
  }

  /**
   * The role a request to {@code path} needs: admin for the project's keys and the mesh's nodes; member for anything
   * that changes the project (and for the webhook signing secret, with which one could forge deliveries); read for
   * everything else, a document token included (a read key gets a read-only one).
   */
  static Role neededRole(HttpMethod method, String path) {
    if (path.startsWith("/v1/admin/") || path.equals("/v1/keys") || path.startsWith("/v1/keys/")) {
      return Role.ADMIN;
    }
    if (path.equals("/v1/webhooks/secret")) {
      return Role.MEMBER;
    }
    if (READING.contains(method) || (method == HttpMethod.POST && DOCUMENT_TOKENS.matcher(path).matches())) {
      return Role.READ;
    }
    return Role.MEMBER;
  }

  private static void challenge(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
    ctx.fail(Problem.unauthorized(detail));
  }

  /** The project of the authenticated request. */
  static UUID projectId(RoutingContext ctx) {
    return owner(ctx).projectId();
  }

  /** The key that authenticated the request, as the tokens it asks for name their holder. */
  static TokenHolder tokenHolder(RoutingContext ctx) {
    KeyOwner owner = owner(ctx);
    return new TokenHolder(owner.keyId(), owner.role().wireName());
  }

  /** The key that authenticated the request: its id, project and role. */
  static KeyOwner owner(RoutingContext ctx) {
    KeyOwner owner = ctx.get(OWNER);
    if (owner == null) {
      throw new IllegalStateException("route is not behind ApiKeyAuthHandler");
    }
    return owner;
  }
}
