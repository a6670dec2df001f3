package io.atelier.upload;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.ApiKeyRepository.KeyOwner;
import io.atelier.database.ApiKeyRepository.Role;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.InvalidTokenException;
import io.atelier.tokens.SessionGrant;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code Authorization: Bearer} on {@code /files/}: the project's API key, an upload token the edge issued
 * ({@code POST /v1/uploads/tokens}) for a browser that must not hold the key, or a session token
 * ({@code POST /v1/sessions}) of a browser signed in by link, which works while its key does. Puts the project in
 * the context.
 */
final class UploadAuthentication implements Handler<RoutingContext> {

  private static final String PROJECT = "atelier.projectId";
  private static final String KEY = "atelier.keyId";

  private final ApiKeyRepository keys;
  private final AccessTokens tokens;

  UploadAuthentication(ApiKeyRepository keys, AccessTokens tokens) {
    this.keys = keys;
    this.tokens = tokens;
  }

  /** The project the request's key or token opens. */
  static UUID project(RoutingContext ctx) {
    return ctx.get(PROJECT);
  }

  /** The API key the request comes from: its own, or the one its upload token was given to (null if unnamed). */
  static UUID key(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      refuse(ctx, "send the project's API key, an upload token or a session token, as "
          + "'Authorization: Bearer <key or token>'");
      return;
    }
    String credential = header.substring(7).trim();
    if (credential.startsWith(ApiKeyRepository.KEY_PREFIX)) {
      keys.findOwner(credential).onComplete(found -> admit(ctx, found, "the API key is not valid"));
    } else if (AccessTokens.claimsToBeSessionToken(credential)) {
      tokens.verifySessionToken(credential).onComplete(verified -> {
        if (verified.failed()) {
          refuse(ctx, verified.cause());
          return;
        }
        SessionGrant session = verified.result();
        keys.findOwnerOfToken(session.holder().keyId(), session.projectId(), Role.fromWire(session.holder().role()))
            .onComplete(found -> admit(ctx, found, "the key this session token stands for was revoked"));
      });
    } else {
      tokens.verifyUploadToken(credential).onComplete(verified -> {
        if (verified.failed()) {
          refuse(ctx, verified.cause());
        } else {
          ctx.put(PROJECT, verified.result().projectId());
          if (verified.result().holder() != null) {
            ctx.put(KEY, verified.result().holder().keyId());
          }
          ctx.next();
        }
      });
    }
  }

  /** Lets the request through as {@code owner}'s if its role may upload; refuses it with {@code absent} if none. */
  private static void admit(RoutingContext ctx, AsyncResult<Optional<KeyOwner>> owner, String absent) {
    if (owner.failed()) {
      ctx.fail(owner.cause());
    } else if (owner.result().isEmpty()) {
      refuse(ctx, absent);
    } else if (!owner.result().get().role().covers(Role.MEMBER)) {
      ctx.fail(new TusException(403, "Forbidden", "a key with the read role cannot upload"));
    } else {
      ctx.put(PROJECT, owner.result().get().projectId());
      ctx.put(KEY, owner.result().get().keyId());
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, Throwable cause) {
    refuse(ctx, cause instanceof InvalidTokenException ? cause.getMessage() : "the token could not be checked");
  }

  private static void refuse(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
    ctx.fail(new TusException(401, "Unauthorized", detail));
  }
}
