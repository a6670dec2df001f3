package io.atelier.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

  private static final String OLD_KEY = "an old key that is at least thirty-two bytes long";
  private static final String NEW_KEY = "a new key that is also thirty-two bytes or longer";
  private static final Vertx VERTX = Vertx.vertx();
  private static final UUID PROJECT = UUID.randomUUID();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  private static AccessTokens tokens(String... keys) {
    return AccessTokens.create(VERTX, new TokenConfig(List.of(keys), Duration.ofHours(1), Duration.ofDays(1)));
  }

  private static final TokenHolder MEMBER = new TokenHolder(UUID.randomUUID(), "member");

  private static DocumentGrant grant(DocumentGrant.Access access) {
    return new DocumentGrant(PROJECT, "notes", access, Instant.now().plusSeconds(600), MEMBER);
  }

  /** A token signed with {@code key} for {@code audience}, carrying exactly {@code claims}. */
  private static String signed(String key, String audience, JsonObject claims) {
    io.vertx.ext.auth.jwt.JWTAuth signer = io.vertx.ext.auth.jwt.JWTAuth.create(VERTX,
        new io.vertx.ext.auth.jwt.JWTAuthOptions().addPubSecKey(
            new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
    return signer.generateToken(claims, new io.vertx.ext.auth.JWTOptions().setExpiresInSeconds(600)
        .setAudience(List.of(audience)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static String refusal(AccessTokens tokens, String token) {
    Future<DocumentGrant> verified = tokens.verifyDocumentToken(token);
    try {
      verified.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e.getCause()).isInstanceOf(InvalidTokenException.class);
      return e.getCause().getMessage();
    }
    throw new AssertionError("the token was accepted");
  }

  @Test
  void aTokenCarriesItsProjectDocumentAccessAndExpiry() throws Exception {
    DocumentGrant issued = grant(DocumentGrant.Access.READ);
    DocumentGrant read = await(tokens(NEW_KEY).verifyDocumentToken(tokens(NEW_KEY).issue(issued)));
    assertThat(read.projectId()).isEqualTo(PROJECT);
    assertThat(read.document()).isEqualTo("notes");
    assertThat(read.canWrite()).isFalse();
    assertThat(read.expiresAt()).isEqualTo(issued.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void aTokenNamesItsHolderTheKeyThatAskedForItAndItsRole() throws Exception {
    String token = tokens(NEW_KEY).issue(grant(DocumentGrant.Access.WRITE));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1])));
    assertThat(claims.getString("sub")).isEqualTo(MEMBER.keyId().toString());
    assertThat(claims.getString("role")).isEqualTo("member");
    assertThat(claims.getString("prj")).isEqualTo(PROJECT.toString());
    assertThat(claims.getString("doc")).isEqualTo("notes");
    assertThat(await(tokens(NEW_KEY).verifyDocumentToken(token)).holder()).isEqualTo(MEMBER);

    TokenHolder reader = new TokenHolder(UUID.randomUUID(), "read");
    assertThatThrownBy(() -> new DocumentGrant(PROJECT, "notes", DocumentGrant.Access.WRITE,
        Instant.now().plusSeconds(60), reader)).hasMessageContaining("read-only");
    // Signed with the mesh's key but claiming write for a read holder: refused, not trusted.
    assertThat(refusal(tokens(NEW_KEY), signed(NEW_KEY, AccessTokens.COLLAB_AUDIENCE, new JsonObject()
        .put("doc", "notes").put("prj", PROJECT.toString()).put("acc", "write")
        .put("sub", reader.keyId().toString()).put("role", "read")))).contains("does not name a document grant");
  }

  @Test
  void aTokenIssuedBeforeTokensNamedTheirHolderStillOpensItsDocument() throws Exception {
    String earlier = signed(NEW_KEY, AccessTokens.COLLAB_AUDIENCE, new JsonObject().put("sub", "notes")
        .put("prj", PROJECT.toString()).put("acc", "write"));
    DocumentGrant read = await(tokens(NEW_KEY).verifyDocumentToken(earlier));
    assertThat(read.document()).isEqualTo("notes");
    assertThat(read.holder()).isNull();
    assertThat(read.canWrite()).isTrue();
  }

  @Test
  void anUploadTokenNamesAHolderThatMayUpload() throws Exception {
    AccessTokens tokens = tokens(NEW_KEY);
    Instant expiry = Instant.now().plusSeconds(60);
    assertThat(await(tokens.verifyUploadToken(tokens.issueUploadToken(PROJECT, MEMBER, expiry))))
        .isEqualTo(new UploadGrant(PROJECT, MEMBER));
    TokenHolder reader = new TokenHolder(UUID.randomUUID(), "read");
    assertThatThrownBy(() -> tokens.issueUploadToken(PROJECT, reader, expiry)).hasMessageContaining("may not upload");
    String forged = signed(NEW_KEY, AccessTokens.UPLOAD_AUDIENCE, new JsonObject().put("prj", PROJECT.toString())
        .put("sub", reader.keyId().toString()).put("role", "read"));
    Throwable refused = tokens.verifyUploadToken(forged).map(p -> (Throwable) null).otherwise(e -> e)
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(InvalidTokenException.class).hasMessageContaining("may not upload");
  }

  /** Why {@code verified} was refused; fails the test if it was accepted. */
  private static String refusalOf(Future<?> verified) throws Exception {
    Throwable refused = verified.map(accepted -> (Throwable) null).otherwise(e -> e)
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(refused).as("the token was accepted").isInstanceOf(InvalidTokenException.class);
    return refused.getMessage();
  }

  @Test
  void aSessionTokenCarriesItsProjectHolderAndExpiry() throws Exception {
    AccessTokens tokens = tokens(NEW_KEY);
    Instant expiry = Instant.now().plusSeconds(900).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    TokenHolder reader = new TokenHolder(UUID.randomUUID(), "read");
    assertThat(await(tokens.verifySessionToken(tokens.issueSessionToken(PROJECT, reader, expiry))))
        .isEqualTo(new SessionGrant(PROJECT, reader, expiry));
    assertThat(await(tokens.verifySessionToken(tokens.issueSessionToken(PROJECT, MEMBER, expiry))).holder())
        .isEqualTo(MEMBER);
    assertThatThrownBy(() -> tokens.issueSessionToken(PROJECT, MEMBER, Instant.now().minusSeconds(1)))
        .hasMessageContaining("must expire in the future");
  }

  @Test
  void aSessionTokenOpensNoOtherAudienceAndNoOtherTokenOpensASession() throws Exception {
    AccessTokens tokens = tokens(NEW_KEY);
    Instant expiry = Instant.now().plusSeconds(600);
    String session = tokens.issueSessionToken(PROJECT, MEMBER, expiry);
    assertThat(refusalOf(tokens.verifyUploadToken(session))).startsWith("the upload token is not valid");
    assertThat(refusal(tokens, session)).startsWith("the token is not valid");

    String upload = tokens.issueUploadToken(PROJECT, MEMBER, expiry);
    String collab = tokens.issue(grant(DocumentGrant.Access.WRITE));
    for (String other : List.of(upload, collab)) {
      assertThat(refusalOf(tokens.verifySessionToken(other))).startsWith("the session token is not valid");
    }
    assertThat(AccessTokens.claimsToBeSessionToken(session)).isTrue();
    for (String other : List.of(upload, collab, "not.a.token", "atl_key", "")) {
      assertThat(AccessTokens.claimsToBeSessionToken(other)).as(other).isFalse();
    }
  }

  @Test
  void aSessionTokenThatIsExpiredForgedOrIncompleteIsRefused() throws Exception {
    Clock anHourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    AccessTokens past = AccessTokens.create(VERTX,
        new TokenConfig(List.of(NEW_KEY), Duration.ofHours(1), Duration.ofDays(1)), anHourAgo);
    String expired = past.issueSessionToken(PROJECT, MEMBER, anHourAgo.instant().plusSeconds(60));
    assertThat(refusalOf(tokens(NEW_KEY).verifySessionToken(expired))).startsWith("the session token is not valid");

    String otherKey = tokens(OLD_KEY).issueSessionToken(PROJECT, MEMBER, Instant.now().plusSeconds(600));
    assertThat(refusalOf(tokens(NEW_KEY).verifySessionToken(otherKey))).startsWith("the session token is not valid");

    String[] parts = tokens(NEW_KEY).issueSessionToken(PROJECT, new TokenHolder(UUID.randomUUID(), "read"),
        Instant.now().plusSeconds(600)).split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1])));
    String promoted = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.put("role", "admin").encode().getBytes()) + "." + parts[2];
    assertThat(refusalOf(tokens(NEW_KEY).verifySessionToken(promoted))).startsWith("the session token is not valid");

    AccessTokens tokens = tokens(NEW_KEY);
    JsonObject unheld = new JsonObject().put("prj", PROJECT.toString());
    assertThat(refusalOf(tokens.verifySessionToken(signed(NEW_KEY, AccessTokens.SESSION_AUDIENCE, unheld))))
        .contains("names no key and role");
    JsonObject nowhere = new JsonObject().put("sub", MEMBER.keyId().toString()).put("role", "member");
    assertThat(refusalOf(tokens.verifySessionToken(signed(NEW_KEY, AccessTokens.SESSION_AUDIENCE, nowhere))))
        .contains("does not name a project");
    String endless = io.vertx.ext.auth.jwt.JWTAuth.create(VERTX, new io.vertx.ext.auth.jwt.JWTAuthOptions()
            .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(NEW_KEY)))
        .generateToken(new JsonObject().put("prj", PROJECT.toString()).put("sub", MEMBER.keyId().toString())
                .put("role", "member"),
            new io.vertx.ext.auth.JWTOptions().setAudience(List.of(AccessTokens.SESSION_AUDIENCE)));
    assertThat(refusalOf(tokens.verifySessionToken(endless))).contains("has no expiry");
  }

  @Test
  void aSessionLastsFifteenMinutesByDefaultAndAtLeastOne() {
    AccessTokens tokens = tokens(NEW_KEY);
    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    assertThat(tokens.sessionExpiry(null)).isBetween(before.plusSeconds(900), before.plusSeconds(901));
    assertThat(tokens.sessionExpiry(60)).isBetween(before.plusSeconds(60), before.plusSeconds(61));
    assertThat(tokens.sessionExpiry(86_400)).isBetween(before.plusSeconds(86_400), before.plusSeconds(86_401));
    assertThatThrownBy(() -> tokens.sessionExpiry(59)).hasMessageContaining("ttlSeconds must be 60..86400, was 59");
    assertThatThrownBy(() -> tokens.sessionExpiry(86_401)).hasMessageContaining("ttlSeconds must be 60..86400");
  }

  @Test
  void duringRotationTokensOfTheOldKeyStillVerifyAndNewOnesAreSignedWithTheNewKey() throws Exception {
    String oldToken = tokens(OLD_KEY).issue(grant(DocumentGrant.Access.WRITE));
    AccessTokens rotating = tokens(NEW_KEY, OLD_KEY);
    assertThat(await(rotating.verifyDocumentToken(oldToken)).canWrite()).isTrue();

    // Every new token, not most of them: the key that signs is the first, never one picked among the keys.
    for (int i = 0; i < 32; i++) {
      String newToken = rotating.issue(grant(DocumentGrant.Access.WRITE));
      assertThat(await(tokens(NEW_KEY).verifyDocumentToken(newToken)).document()).isEqualTo("notes");
      assertThat(refusal(tokens(OLD_KEY), newToken)).startsWith("the token is not valid");
    }
    // Once the old key is dropped, its tokens open nothing.
    assertThat(refusal(tokens(NEW_KEY), oldToken)).startsWith("the token is not valid");
  }

  @Test
  void anExpiredTokenIsRefused() {
    Clock anHourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    AccessTokens past = AccessTokens.create(VERTX,
        new TokenConfig(List.of(NEW_KEY), Duration.ofHours(1), Duration.ofDays(1)), anHourAgo);
    String token = past.issue(new DocumentGrant(PROJECT, "notes", DocumentGrant.Access.WRITE,
        anHourAgo.instant().plusSeconds(60), MEMBER));
    assertThat(refusal(tokens(NEW_KEY), token)).startsWith("the token is not valid");
  }

  @Test
  void aTamperedTokenIsRefused() {
    String token = tokens(NEW_KEY).issue(grant(DocumentGrant.Access.READ));
    String[] parts = token.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1])));
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.put("acc", "write").encode().getBytes()) + "." + parts[2];
    assertThat(refusal(tokens(NEW_KEY), forged)).startsWith("the token is not valid");
    assertThat(refusal(tokens(NEW_KEY), "not.a.token")).startsWith("the token is not valid");
    assertThat(refusal(tokens(NEW_KEY), "")).startsWith("no token");
  }

  @Test
  void aTokenWithoutTheCollabAudienceIsRefused() {
    io.vertx.ext.auth.jwt.JWTAuth other = io.vertx.ext.auth.jwt.JWTAuth.create(VERTX,
        new io.vertx.ext.auth.jwt.JWTAuthOptions().addPubSecKey(
            new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(NEW_KEY)));
    String token = other.generateToken(new JsonObject().put("sub", "notes").put("prj", PROJECT.toString())
        .put("acc", "write"), new io.vertx.ext.auth.JWTOptions().setExpiresInSeconds(600)
        .setAudience(List.of("atelier:uploads")));
    assertThat(refusal(tokens(NEW_KEY), token)).startsWith("the token is not valid");
  }

  @Test
  void configurationFailsNamingTheKey() {
    assertThatThrownBy(() -> TokenConfig.from(new JsonObject()))
        .hasMessageContaining("tokens.signingKeys must hold at least one key");
    assertThatThrownBy(() -> TokenConfig.from(new JsonObject().put("tokens",
        new JsonObject().put("signingKeys", new JsonArray().add("short")))))
        .hasMessageContaining("at least 32 bytes");
    assertThat(TokenConfig.from(new JsonObject().put("tokens",
        new JsonObject().put("signingKeys", NEW_KEY + "," + OLD_KEY))).signingKeys()).containsExactly(NEW_KEY, OLD_KEY);
    assertThatThrownBy(() -> tokens(NEW_KEY).expiry(86_401)).hasMessageContaining("ttlSeconds must be 1..86400");
  }
}
