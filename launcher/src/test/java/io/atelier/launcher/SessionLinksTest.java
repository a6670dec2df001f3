package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository.NewProject;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /v1/sessions}: sign-in links for the web app. Their session token stands for the key that asked for
 * it, in its project and with its role, on {@code /v1} and {@code /files/}, until it expires or the key is revoked;
 * it opens nothing else, and starts no other session.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class SessionLinksTest {

  static TestMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
  }

  /** A new key of {@code role} in the project of {@code admin}: its id and the key. */
  private static JsonObject newKey(ApiClient admin, String role) {
    HttpResponse<Buffer> made = await(admin.post("/v1/keys").sendJsonObject(new JsonObject()
        .put("name", role + " for links").put("role", role)));
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
    return made.bodyAsJsonObject();
  }

  /** A session of {@code api}'s key; fails the test unless it was issued. */
  private static JsonObject session(ApiClient api, JsonObject body) {
    HttpResponse<Buffer> issued = await(api.post("/v1/sessions").sendJsonObject(body));
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    return issued.bodyAsJsonObject();
  }

  /** A token signed with the mesh's own key, for the session audience, carrying {@code claims} as they are. */
  private static String signedByTheMesh(JsonObject claims) {
    JWTAuth signer = JWTAuth.create(mesh.clientVertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(mesh.tokenSigningKey())));
    return signer.generateToken(claims, new JWTOptions().setAudience(List.of("atelier:session")).setNoTimestamp(true));
  }

  /** Starts a tus upload of {@code length} bytes with {@code api}'s credential. */
  private static HttpResponse<Buffer> tusCreate(ApiClient api, long length) {
    return await(api.request(HttpMethod.POST, "/files/").putHeader("Tus-Resumable", "1.0.0")
        .putHeader("Upload-Length", Long.toString(length)).send());
  }

  @Test
  void aSessionActsAsItsKeyInItsProjectOnEveryEdge() throws Exception {
    NewProject project = mesh.newProject("sessions-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    String asset = admin.uploadAsset(SpeechSamples.librivox().get(1).wav());
    String elsewhere = mesh.client(mesh.newProject("elsewhere-" + UUID.randomUUID()).apiKey())
        .uploadAsset(SpeechSamples.librivox().get(2).wav());

    Instant before = Instant.now().minusSeconds(1);
    HttpResponse<Buffer> issued = await(admin.post("/v1/sessions").send());
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    assertThat(issued.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject session = issued.bodyAsJsonObject();
    String token = session.getString("token");
    assertThat(token.split("\\.")).as("a JWT, not a key").hasSize(3);
    assertThat(session.getString("role")).isEqualTo("admin");
    assertThat(session.getString("link")).isEqualTo("/app/#session=" + token);
    assertThat(Instant.parse(session.getString("expiresAt")))
        .as("15 minutes by default").isBetween(before.plusSeconds(900), Instant.now().plusSeconds(901));

    for (ApiClient browser : List.of(mesh.client(token), mesh.clientOfNodeB(token))) {
      HttpResponse<Buffer> listed = await(browser.get("/v1/assets").send());
      assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(200);
      assertThat(listed.bodyAsJsonObject().getJsonArray("items").stream()
          .map(item -> ((JsonObject) item).getString("id")).toList()).containsExactly(asset);
      assertProblem(await(browser.get("/v1/assets/" + elsewhere).send()), 404);
    }

    Instant asked = Instant.now();
    assertThat(Instant.parse(session(admin, new JsonObject().put("ttlSeconds", 3600)).getString("expiresAt")))
        .isBetween(asked.minusSeconds(1).plusSeconds(3600), Instant.now().plusSeconds(3601));
    for (int ttl : List.of(59, 86_401)) {
      assertThat(assertProblem(await(admin.post("/v1/sessions").sendJsonObject(new JsonObject()
          .put("ttlSeconds", ttl))), 400).getString("field")).as("ttlSeconds %d", ttl).isEqualTo("ttlSeconds");
    }
  }

  @Test
  void aReadKeysSessionReadsAndChangesNothing() throws Exception {
    NewProject project = mesh.newProject("read-sessions-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    String asset = admin.uploadAsset(SpeechSamples.librivox().get(1).wav());
    ApiClient reader = mesh.client(newKey(admin, "read").getString("key"));
    JsonObject session = session(reader, new JsonObject());
    assertThat(session.getString("role")).isEqualTo("read");
    ApiClient browser = mesh.client(session.getString("token"));

    assertThat(await(browser.get("/v1/assets/" + asset).send()).statusCode()).isEqualTo(200);
    JsonObject refused = assertProblem(await(browser.post("/v1/jobs").sendJsonObject(new JsonObject()
        .put("type", "noop").put("assetId", asset))), 403);
    assertThat(refused.getString("detail")).contains("the member role").contains("role is read");
    assertThat(await(browser.post("/v1/documents/notes/tokens").send()).bodyAsJsonObject().getString("access"))
        .isEqualTo("read");
    HttpResponse<Buffer> upload = tusCreate(browser, 100);
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(403);
    assertThat(await(admin.get("/v1/jobs").send()).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void aSessionStartsNoOtherSessionMakesNoKeyAndWhatItAsksForExpiresWithIt() {
    NewProject project = mesh.newProject("no-renewal-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    JsonObject session = session(admin, new JsonObject().put("ttlSeconds", 120));
    ApiClient browser = mesh.client(session.getString("token"));

    JsonObject refused = assertProblem(await(browser.post("/v1/sessions").send()), 403);
    assertThat(refused.getString("detail")).contains("a session cannot start another");
    assertProblem(await(browser.post("/v1/sessions").sendJsonObject(new JsonObject().put("ttlSeconds", 60))), 403);

    // Nor a key, which would outlive it too; an admin's session still sees the keys.
    assertThat(assertProblem(await(browser.post("/v1/keys").sendJsonObject(new JsonObject().put("name", "forever")
        .put("role", "admin"))), 403).getString("detail")).contains("a session cannot make API keys");
    assertThat(await(browser.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys")).hasSize(1);

    // Asked for an hour, given what is left of the session.
    for (String path : List.of("/v1/uploads/tokens", "/v1/documents/notes/tokens")) {
      HttpResponse<Buffer> token = await(browser.post(path).sendJsonObject(new JsonObject().put("ttlSeconds", 3600)));
      assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(201);
      assertThat(token.bodyAsJsonObject().getString("expiresAt")).as(path).isEqualTo(session.getString("expiresAt"));
    }
  }

  @Test
  void anExpiredForgedOrOtherTokenIsRefusedSayingWhy() {
    NewProject project = mesh.newProject("bad-sessions-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    String keyId = await(admin.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys").getJsonObject(0)
        .getString("id");
    JsonObject claims = new JsonObject().put("prj", project.projectId().toString()).put("sub", keyId)
        .put("role", "admin");

    String expired = signedByTheMesh(claims.copy().put("exp", Instant.now().minusSeconds(5).getEpochSecond()));
    HttpResponse<Buffer> late = await(mesh.client(expired).get("/v1/assets").send());
    assertThat(assertProblem(late, 401).getString("detail")).startsWith("the session token is not valid")
        .containsIgnoringCase("expired");
    assertThat(late.getHeader("WWW-Authenticate")).startsWith("Bearer");

    String valid = session(admin, new JsonObject()).getString("token");
    String[] parts = valid.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThat(assertProblem(await(mesh.client(forged).get("/v1/assets").send()), 401).getString("detail"))
        .startsWith("the session token is not valid");
    String unending = signedByTheMesh(claims.copy());
    assertThat(assertProblem(await(mesh.client(unending).get("/v1/assets").send()), 401).getString("detail"))
        .contains("has no expiry");

    // Tokens of the other audiences open no session, and a session opens no document.
    String upload = await(admin.post("/v1/uploads/tokens").send()).bodyAsJsonObject().getString("token");
    String collab = await(admin.post("/v1/documents/notes/tokens").send()).bodyAsJsonObject().getString("token");
    for (String other : List.of(upload, collab)) {
      assertThat(assertProblem(await(mesh.client(other).get("/v1/assets").send()), 401).getString("detail"))
          .startsWith("the session token is not valid");
    }
    try (CollabTestClient socket = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, "notes", valid)) {
      assertThat(socket.awaitClose()).isEqualTo((short) 4401);
      assertThat(socket.closeReason).startsWith("the token is not valid");
    }
  }

  @Test
  void revokingTheKeyEndsItsSessionsAtOnceOnEveryEdge() {
    NewProject project = mesh.newProject("revoked-sessions-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    JsonObject member = newKey(admin, "member");
    String token = session(mesh.client(member.getString("key")), new JsonObject()).getString("token");
    ApiClient browser = mesh.client(token);
    assertThat(await(browser.get("/v1/assets").send()).statusCode()).isEqualTo(200);
    assertThat(tusCreate(browser, 100).statusCode()).isEqualTo(201);

    assertThat(await(admin.delete("/v1/keys/" + member.getString("id")).send()).statusCode()).isEqualTo(204);
    for (ApiClient edge : List.of(browser, mesh.clientOfNodeB(token))) {
      assertThat(assertProblem(await(edge.get("/v1/assets").send()), 401).getString("detail")).contains("revoked");
    }
    HttpResponse<Buffer> upload = tusCreate(browser, 100);
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(401);
    assertThat(upload.bodyAsJsonObject().getString("detail")).contains("revoked");
  }

  @Test
  void aBrowserSignedInByLinkUploadsThroughFiles() throws Exception {
    NewProject project = mesh.newProject("session-uploads-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    ApiClient member = mesh.client(newKey(admin, "member").getString("key"));
    ApiClient browser = mesh.client(session(member, new JsonObject()).getString("token"));
    byte[] speech = Files.readAllBytes(SpeechSamples.librivox().get(1).wav());

    HttpResponse<Buffer> created = tusCreate(browser, speech.length);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> done = await(browser.request(HttpMethod.PATCH, created.getHeader("Location"))
        .putHeader("Tus-Resumable", "1.0.0").putHeader("Upload-Offset", "0")
        .putHeader("Content-Type", "application/offset+octet-stream").sendBuffer(Buffer.buffer(speech)));
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(204);
    String asset = done.getHeader("Atelier-Asset-Id");
    assertThat(asset).isNotBlank();
    // The asset is the key's project's, as if the key had uploaded it.
    assertThat(await(admin.get("/v1/assets/" + asset).send()).bodyAsJsonObject().getLong("sizeBytes"))
        .isEqualTo(speech.length);
    assertThat(await(browser.get("/v1/assets/" + asset).send()).statusCode()).isEqualTo(200);

    String expired = signedByTheMesh(new JsonObject().put("prj", project.projectId().toString())
        .put("sub", UUID.randomUUID().toString()).put("role", "member")
        .put("exp", Instant.now().minus(Duration.ofMinutes(1)).getEpochSecond()));
    HttpResponse<Buffer> late = tusCreate(mesh.client(expired), 100);
    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(late.bodyAsJsonObject().getString("detail")).startsWith("the session token is not valid");
  }
}
