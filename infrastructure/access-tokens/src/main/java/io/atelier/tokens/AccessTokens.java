package io.atelier.tokens;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
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
  /**
   * The audience of session tokens: they stand for their key on {@code /v1} (and {@code /files/}) for a browser
   * signed in by a link, which never sees the key.
   */
  static final String SESSION_AUDIENCE = "atelier:session";
  /** Sessions live 15 minutes unless asked otherwise, and at least a minute: a link has to survive being opened. */
  public static final int SESSION_DEFAULT_TTL_SECONDS = 900;
  public static final int SESSION_MIN_TTL_SECONDS = 60;

  private final JWTAuth signer;
  private final JWTAuth collab;
  private final JWTAuth uploads;
  private final JWTAuth sessions;
  private final TokenConfig config;
  private final Clock clock;

  private AccessTokens(JWTAuth signer, JWTAuth collab, JWTAuth uploads, JWTAuth sessions, TokenConfig config,
                       Clock clock) {
    this.signer = signer;
    this.collab = collab;
    this.uploads = uploads;
    this.sessions = sessions;
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
        JWTAuth.create(vertx, options(keys, SESSION_AUDIENCE)), config, clock);
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
    JsonObject claims = grant.holder() == null ? new JsonObject().put("prj", grant.projectId().toString())
        : heldBy(grant.projectId(), grant.holder());
    return sign(COLLAB_AUDIENCE, claims.put("doc", grant.document()).put("acc", grant.access().wireName()),
        grant.expiresAt());
  }

  /** A token that opens {@code /files/} for {@code projectId} until {@code expiresAt}, given to {@code holder}. */
  public String issueUploadToken(UUID projectId, TokenHolder holder, Instant expiresAt) {
    if (!holder.mayWrite()) {
      throw new IllegalArgumentException("a key with the read role may not upload");
    }
    return sign(UPLOAD_AUDIENCE, heldBy(projectId, holder), expiresAt);
  }

  /**
   * What an upload token opens (its project) and whom it was given to ({@code null} in tokens issued before tokens
   * named their holder); fails with {@link InvalidTokenException} saying why it is refused.
   */
  public Future<UploadGrant> verifyUploadToken(String token) {
    return claims(uploads, "upload token", token).compose(claims -> project(claims).compose(project -> {
      if (!claims.containsKey("role")) {
        return Future.succeededFuture(new UploadGrant(project, null));
      }
      TokenHolder holder = holder(claims).filter(TokenHolder::mayWrite).orElse(null);
      if (holder == null) {
        return Future.failedFuture(new InvalidTokenException("the upload token's holder may not upload"));
      }
      return Future.succeededFuture(new UploadGrant(project, holder));
    }));
  }

  /**
   * A token that stands for {@code holder}'s key in {@code projectId} until {@code expiresAt}, with no more than the
   * key's role: what a sign-in link carries.
   */
  public String issueSessionToken(UUID projectId, TokenHolder holder, Instant expiresAt) {
    return sign(SESSION_AUDIENCE, heldBy(projectId, holder), expiresAt);
  }

  /**
   * The session a session token carries: its project, the key it stands for and that key's role, and its expiry;
   * fails with {@link InvalidTokenException} saying why it is refused. Whether the key is still active is the
   * caller's to check: a token cannot know it was revoked.
   */
  public Future<SessionGrant> verifySessionToken(String token) {
    return claims(sessions, "session token", token).compose(claims -> project(claims).compose(project -> {
      Optional<TokenHolder> holder = holder(claims);
      if (holder.isEmpty()) {
        return Future.failedFuture(new InvalidTokenException("the session token names no key and role"));
      }
      // Signed, but without an end: a session is short-lived or it is nothing.
      if (!(claims.getValue("exp") instanceof Number expiry)) {
        return Future.failedFuture(new InvalidTokenException("the session token has no expiry"));
      }
      return Future.succeededFuture(new SessionGrant(project, holder.get(), Instant.ofEpochSecond(expiry.longValue())));
    }));
  }

  /**
   * Whether {@code token} says it is a session token (its audience), before any check of its signature: for a
   * route that takes several kinds of token to know which to check it as.
   */
  public static boolean claimsToBeSessionToken(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    try {
      Object audience = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(parts[1]))).getValue("aud");
      return SESSION_AUDIENCE.equals(audience)
          || audience instanceof JsonArray list && list.contains(SESSION_AUDIENCE);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A token for {@code audience} carrying {@code claims}, expiring at {@code expiresAt} to the second. */
  private String sign(String audience, JsonObject claims, Instant expiresAt) {
    if (expiresAt.getEpochSecond() <= clock.instant().getEpochSecond()) {
      throw new IllegalArgumentException("a token must expire in the future");
    }
    return signer.generateToken(claims.put("exp", expiresAt.getEpochSecond()),
        new JWTOptions().setAlgorithm("HS256").setAudience(List.of(audience)).setNoTimestamp(true));
  }

  /** The claims naming a token's project and holder. */
  private static JsonObject heldBy(UUID projectId, TokenHolder holder) {
    return new JsonObject().put("prj", projectId.toString()).put("sub", holder.keyId().toString())
        .put("role", holder.role());
  }

  /**
   * The claims of {@code token} once {@code verifier} found it signed, unexpired and of its audience; else an
   * {@link InvalidTokenException} saying "the {@code kind} is not valid" and why.
   */
  private static Future<JsonObject> claims(JWTAuth verifier, String kind, String token) {
    return verifier.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new InvalidTokenException("the " + kind + " is not valid: " + reason(e))))
        // The decoded claims; the principal itself holds only the raw token.
        .map(user -> user.attributes().getJsonObject("accessToken", user.principal()));
  }

  /** The project a token's claims name ({@code prj}). */
  private static Future<UUID> project(JsonObject claims) {
    try {
      return Future.succeededFuture(UUID.fromString(claims.getString("prj")));
    } catch (RuntimeException e) {
      return Future.failedFuture(new InvalidTokenException("the token does not name a project"));
    }
  }

  /** When a grant asked for now with {@code ttlSeconds} (or the default when null) expires; fails past the maximum. */
  public Instant expiry(Integer ttlSeconds) {
    return expiry(ttlSeconds, 1, config.defaultTtl().toSeconds());
  }

  /**
   * When a session asked for now with {@code ttlSeconds} expires: {@value #SESSION_DEFAULT_TTL_SECONDS} s when null,
   * at least {@value #SESSION_MIN_TTL_SECONDS}, at most the configured maximum; fails outside.
   */
  public Instant sessionExpiry(Integer ttlSeconds) {
    return expiry(ttlSeconds, SESSION_MIN_TTL_SECONDS, Math.min(SESSION_DEFAULT_TTL_SECONDS,
        config.maxTtl().toSeconds()));
  }

  private Instant expiry(Integer ttlSeconds, long min, long fallback) {
    long ttl = ttlSeconds == null ? fallback : ttlSeconds;
    if (ttl < min || ttl > config.maxTtl().toSeconds()) {
      throw new IllegalArgumentException("ttlSeconds must be " + min + ".." + config.maxTtl().toSeconds()
          + ", was " + ttl);
    }
    return clock.instant().plusSeconds(ttl).truncatedTo(ChronoUnit.SECONDS);
  }

  /** The grant a collaboration token carries; fails with {@link InvalidTokenException} saying why it is refused. */
  public Future<DocumentGrant> verifyDocumentToken(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidTokenException("no token: pass ?token=<collaboration token>"));
    }
    return claims(collab, "token", token).compose(claims -> {
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
  private static Optional<TokenHolder> holder(JsonObject claims) {
    try {
      return Optional.of(new TokenHolder(UUID.fromString(claims.getString("sub")), claims.getString("role")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > 80 ? message.substring(0, 80) : message;
  }
}
