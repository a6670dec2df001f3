package io.atelier.upload;

import io.atelier.database.ApiKeyRepository;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.InvalidTokenException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code Authorization: Bearer} on {@code /files/}: the project's API key, or an upload token the edge issued
 * ({@code POST /v1/uploads/tokens}) for a browser that must not hold the key. Puts the project in the context.
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
      refuse(ctx, "send the project's API key, or an upload token, as 'Authorization: Bearer <key or token>'");
      return;
    }
    String credential = header.substring(7).trim();
    if (!credential.startsWith(ApiKeyRepository.KEY_PREFIX)) {
      tokens.verifyUploadToken(credential).onComplete(verified -> {
        if (verified.failed()) {
          refuse(ctx, verified.cause() instanceof InvalidTokenException ? verified.cause().getMessage()
              : "the upload token could not be checked");
        } else {
          ctx.put(PROJECT, verified.result().projectId());
          if (verified.result().holder() != null) {
            ctx.put(KEY, verified.result().holder().keyId());
          }
          ctx.next();
        }
      });
      return;
    }
    keys.findOwner(credential).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result().isEmpty()) {
        refuse(ctx, "the API key is not valid");
      } else if (!found.result().get().role().covers(ApiKeyRepository.Role.MEMBER)) {
        ctx.fail(new TusException(403, "Forbidden", "a key with the read role cannot upload"));
      } else {
        ctx.put(PROJECT, found.result().get().projectId());
        ctx.put(KEY, found.result().get().keyId());
        ctx.next();
      }
    });
  }

  private static void refuse(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
    ctx.fail(new TusException(401, "Unauthorized", detail));
  }
}
