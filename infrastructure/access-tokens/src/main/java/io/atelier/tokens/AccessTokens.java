package io.atelier.tokens;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Issues and checks short-lived signed tokens: JWTs (HS256) whose audience names what they open, so a token made for
 * one purpose opens nothing else. Any node configured with the same keys checks any node's tokens, with no lookup.
 */
public final class AccessTokens {

  /** The audience of collaboration tokens. */
  static final String COLLAB_AUDIENCE = "atelier:collab";
  /** The audience of upload tokens: they open {@code /files/} for one project, for browsers that hold no API key. */
  static final String UPLOAD_AUDIENCE = "atelier:upload";

  private final JWTAuth signer;
  private final JWTAuth collab;
  private final JWTAuth uploads;
  private final TokenConfig config;
  private final Clock clock;

  private AccessTokens(JWTAuth signer, JWTAuth collab, JWTAuth uploads, TokenConfig config, Clock clock) {
    this.signer = signer;
    this.collab = collab;
    this.uploads = uploads;
    this.config = config;
    this.clock = clock;
  }

  public static AccessTokens create(Vertx vertx, TokenConfig config) {
    return create(vertx, config, Clock.systemUTC());
  }

  static AccessTokens create(Vertx vertx, TokenConfig config, Clock clock) {
    // The first key signs; a token signed with any of them verifies, so keys rotate without a flag day. Signing has
    // an instance of its own, holding the first key only: given several keys of one algorithm, JWTAuth signs with
    // one picked at random.
    List<String> keys = config.signingKeys();
    return new AccessTokens(JWTAuth.create(vertx, options(keys.subList(0, 1), COLLAB_AUDIENCE)),
        JWTAuth.create(vertx, options(keys, COLLAB_AUDIENCE)), JWTAuth.create(vertx, options(keys, UPLOAD_AUDIENCE)),
        config, clock);
  }

  private static JWTAuthOptions options(List<String> keys, String audience) {
    JWTAuthOptions options = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setAudience(List.of(audience)).setLeeway(0));
    for (String key : keys) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key));
    }
    return options;
  }

  public TokenConfig config() {
    return config;
  }

  /** A token for {@code grant}; its expiry is the grant's, to the second. */
  public String issue(DocumentGrant grant) {
    long now = clock.instant().getEpochSecond();
    if (grant.expiresAt().getEpochSecond() <= now) {
      throw new IllegalArgumentException("a grant must expire in the future");
    }
    JsonObject claims = new JsonObject()
        .put("doc", grant.document())
        .put("prj", grant.projectId().toString())
        .put("acc", grant.access().wireName())
        .put("exp", grant.expiresAt().getEpochSecond());
    if (grant.holder() != null) {
      claims.put("sub", grant.holder().keyId().toString()).put("role", grant.holder().role());
    }
    return signer.generateToken(claims,
        new JWTOptions().setAlgorithm("HS256").setAudience(List.of(COLLAB_AUDIENCE)).setNoTimestamp(true));
  }

  /** A token that opens {@code /files/} for {@code projectId} until {@code expiresAt}, given to {@code holder}. */
  public String issueUploadToken(UUID projectId, TokenHolder holder, Instant expiresAt) {
    if (expiresAt.getEpochSecond() <= clock.instant().getEpochSecond()) {
      throw new IllegalArgumentException("a token must expire in the future");
    }
    if (!holder.mayWrite()) {
      throw new IllegalArgumentException("a key with the read role may not upload");
    }
    return signer.generateToken(new JsonObject().put("prj", projectId.toString())
            .put("sub", holder.keyId().toString()).put("role", holder.role())
            .put("exp", expiresAt.getEpochSecond()),
        new JWTOptions().setAlgorithm("HS256").setAudience(List.of(UPLOAD_AUDIENCE)).setNoTimestamp(true));
  }

  /**
   * What an upload token opens (its project) and whom it was given to ({@code null} in tokens issued before tokens
   * named their holder); fails with {@link InvalidTokenException} saying why it is refused.
   */
  public Future<UploadGrant> verifyUploadToken(String token) {
    return uploads.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new InvalidTokenException("the upload token is not valid: " + reason(e))))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          UUID project;
          try {
            project = UUID.fromString(claims.getString("prj"));
          } catch (RuntimeException e) {
            return Future.failedFuture(new InvalidTokenException("the token does not name a project"));
          }
          if (!claims.containsKey("role")) {
            return Future.succeededFuture(new UploadGrant(project, null));
          }
          TokenHolder holder = holder(claims).filter(TokenHolder::mayWrite).orElse(null);
          if (holder == null) {
            return Future.failedFuture(new InvalidTokenException("the upload token's holder may not upload"));
          }
          return Future.succeededFuture(new UploadGrant(project, holder));
        });
  }

  /** When a grant asked for now with {@code ttlSeconds} (or the default when null) expires; fails past the maximum. */
  public Instant expiry(Integer ttlSeconds) {
    long ttl = ttlSeconds == null ? config.defaultTtl().toSeconds() : ttlSeconds;
    if (ttl < 1 || ttl > config.maxTtl().toSeconds()) {
      throw new IllegalArgumentException("ttlSeconds must be 1.." + config.maxTtl().toSeconds() + ", was " + ttl);
    }
    return clock.instant().plusSeconds(ttl).truncatedTo(ChronoUnit.SECONDS);
  }

  /** The grant a collaboration token carries; fails with {@link InvalidTokenException} saying why it is refused. */
  public Future<DocumentGrant> verifyDocumentToken(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidTokenException("no token: pass ?token=<collaboration token>"));
    }
    return collab.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new InvalidTokenException("the token is not valid: " + reason(e))))
        .compose(user -> {
          // The decoded claims; the principal itself holds only the raw token.
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          try {
            // Tokens issued before they named their holder carry the document as their subject.
            boolean held = claims.containsKey("doc");
            return Future.succeededFuture(new DocumentGrant(UUID.fromString(claims.getString("prj")),
                held ? claims.getString("doc") : claims.getString("sub"),
                DocumentGrant.Access.fromWire(claims.getString("acc")),
                Instant.ofEpochSecond(claims.getLong("exp")), held ? holder(claims).orElseThrow() : null));
          } catch (RuntimeException e) {
            return Future.failedFuture(new InvalidTokenException("the token does not name a document grant"));
          }
        });
  }

  /** The holder a token names ({@code sub}, {@code role}), if it names one that parses. */
  private static java.util.Optional<TokenHolder> holder(JsonObject claims) {
    try {
      return java.util.Optional.of(new TokenHolder(UUID.fromString(claims.getString("sub")),
          claims.getString("role")));
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > 80 ? message.substring(0, 80) : message;
  }
}
