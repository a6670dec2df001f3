package io.atelier.edge;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.ApiKeyRepository.KeyOwner;
import io.atelier.database.ApiKeyRepository.Role;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.InvalidTokenException;
import io.atelier.tokens.SessionGrant;
import io.atelier.tokens.TokenHolder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads {@code Authorization: Bearer <key>}, finds the key's project, scopes the request to it, and lets it through
 * only if the key's role may make it ({@link #neededRole}: the one place that says which role each route needs).
 *
 * <p>The bearer may also be a session token ({@code POST /v1/sessions}, what a sign-in link carries): it stands for
 * the key that asked for it, in that key's project and with no more than its role, until it expires or the key is
 * revoked, whichever comes first.
 */
final class ApiKeyAuthHandler implements Handler<RoutingContext> {

  private static final String OWNER = "atelier.keyOwner";
  private static final String SESSION = "atelier.session";
  private static final Set<HttpMethod> READING = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** A read key may ask for a document token: it gets a read-only one. */
  private static final Pattern DOCUMENT_TOKENS = Pattern.compile("/v1/documents/[^/]+/tokens");

  private final ApiKeyRepository keys;
  private final AccessTokens tokens;

  ApiKeyAuthHandler(ApiKeyRepository keys, AccessTokens tokens) {
    this.keys = keys;
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      challenge(ctx, "missing Authorization header; send 'Authorization: Bearer <api key or session token>'");
      return;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      challenge(ctx, "the Authorization header must be 'Bearer <api key or session token>'");
      return;
    }
    String credential = header.substring(7).trim();
    // The lookup is asynchronous: hold the body back until the route's BodyHandler is there to read it.
    ctx.request().pause();
    (isSessionToken(credential) ? sessionOwner(ctx, credential) : keyOwner(credential)).onComplete(result -> {
      if (result.succeeded()) {
        authorise(ctx, result.result());
      } else if (result.cause() instanceof Problem refused && refused.status() == 401) {
        challenge(ctx, refused.getMessage());
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  /** API keys start with {@code atl_}; session tokens are JWTs, three parts joined by dots. */
  private static boolean isSessionToken(String credential) {
    return !credential.startsWith(ApiKeyRepository.KEY_PREFIX) && credential.chars().filter(c -> c == '.').count() == 2;
  }

  private Future<KeyOwner> keyOwner(String apiKey) {
    return keys.findOwner(apiKey).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(Problem.unauthorized("the API key is not valid"))));
  }

  /** The key a session token stands for, while that key is active ({@link ApiKeyRepository#findOwnerOfToken}). */
  private Future<KeyOwner> sessionOwner(RoutingContext ctx, String token) {
    return tokens.verifySessionToken(token)
        .recover(e -> Future.failedFuture(e instanceof InvalidTokenException
            ? Problem.unauthorized(e.getMessage()) : e))
        .compose(session -> keys.findOwnerOfToken(session.holder().keyId(), session.projectId(),
            Role.fromWire(session.holder().role())).compose(found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(Problem.unauthorized(
                    "the key this session token stands for was revoked; sign in again with a new link"));
              }
              ctx.put(SESSION, session);
              return Future.succeededFuture(found.get());
            }));
  }

  private static void authorise(RoutingContext ctx, KeyOwner owner) {
    Role needed = neededRole(ctx.request().method(), ctx.normalizedPath());
    if (!owner.role().covers(needed)) {
      // Refused before the body is read: a read key's upload is not taken in only to be thrown away.
      ctx.fail(Problem.forbidden("this needs a key with the " + needed.wireName() + " role"
          + (needed == Role.ADMIN ? "" : " or above") + "; this key's role is " + owner.role().wireName()));
      return;
    }
    ctx.put(OWNER, owner);
    ctx.next();
  }

  /**
   * The role a request to {@code path} needs: admin for the project's keys and the mesh's nodes; member for anything
   * that changes the project (and for the webhook signing secret, with which one could forge deliveries); read for
   * everything else, a document token included (a read key gets a read-only one), and a session (a read key gets a
   * read session).
   */
  static Role neededRole(HttpMethod method, String path) {
    if (path.startsWith("/v1/admin/") || path.equals("/v1/keys") || path.startsWith("/v1/keys/")) {
      return Role.ADMIN;
    }
    if (path.equals("/v1/webhooks/secret")) {
      return Role.MEMBER;
    }
    if (READING.contains(method) || (method == HttpMethod.POST && (DOCUMENT_TOKENS.matcher(path).matches()
        || path.equals("/v1/sessions")))) {
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

  /** The session the request was authenticated by, if a session token rather than an API key authenticated it. */
  static Optional<SessionGrant> session(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(SESSION));
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
