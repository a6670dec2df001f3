package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository.NewProject;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A project's admins manage its keys over the API; each key's role bounds what it may do, on every edge. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class KeysTest {

  static TestMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
  }

  @Test
  void anAdminMakesListsAndRevokesKeysAndARevokedKeyFailsOnEveryEdgeAtOnce() {
    NewProject project = mesh.newProject("keys-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());

    HttpResponse<Buffer> made = await(admin.post("/v1/keys")
        .sendJsonObject(new JsonObject().put("name", "  nightly export ").put("role", "member")));
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
    assertThat(made.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject key = made.bodyAsJsonObject();
    String secret = key.getString("key");
    assertThat(secret).startsWith("atl_").hasSizeGreaterThan(40);
    assertThat(key.getString("name")).isEqualTo("nightly export");
    assertThat(key.getString("role")).isEqualTo("member");
    assertThat(key.getString("prefix")).isEqualTo(secret.substring(0, 8));
    assertThat(key.getBoolean("active")).isTrue();
    assertThat(made.getHeader("Location")).isEqualTo("/v1/keys/" + key.getString("id"));

    // Both edges take the new key.
    for (ApiClient edge : List.of(mesh.client(secret), mesh.clientOfNodeB(secret))) {
      assertThat(await(edge.get("/v1/jobs").send()).statusCode()).isEqualTo(200);
    }

    JsonArray keys = await(admin.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys");
    assertThat(keys).hasSize(2);
    JsonObject listed = keys.getJsonObject(0);
    assertThat(listed.getString("id")).isEqualTo(key.getString("id"));
    assertThat(listed.containsKey("key")).as("the key is shown once only").isFalse();
    assertThat(keys.encode()).doesNotContain(secret.substring(8));
    JsonObject first = keys.getJsonObject(1);
    assertThat(first.getString("role")).isEqualTo("admin");
    assertThat(first.getString("name")).isEqualTo("first key");
    assertThat(first.getString("lastUsedAt")).as("the admin key was just used").isNotNull();

    assertThat(await(admin.delete("/v1/keys/" + key.getString("id")).send()).statusCode()).isEqualTo(204);
    // No cache anywhere: the very next request, on either edge, is refused.
    for (ApiClient edge : List.of(mesh.client(secret), mesh.clientOfNodeB(secret))) {
      assertThat(assertProblem(await(edge.get("/v1/jobs").send()), 401).getString("detail"))
          .contains("not valid");
    }
    assertThat(await(admin.delete("/v1/keys/" + key.getString("id")).send()).statusCode())
        .as("revoking again changes nothing").isEqualTo(204);
    JsonObject revoked = await(admin.get("/v1/keys/" + key.getString("id")).send()).bodyAsJsonObject();
    assertThat(revoked.getBoolean("active")).isFalse();
    assertThat(revoked.getString("revokedAt")).isNotNull();
    assertThat(revoked.getString("lastUsedAt")).isNotNull();
  }

  @Test
  void theLastAdminKeyCannotBeRevokedButOneOfTwoCan() {
    NewProject project = mesh.newProject("last-admin-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    String firstId = await(admin.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys")
        .getJsonObject(0).getString("id");
    JsonObject problem = assertProblem(await(admin.delete("/v1/keys/" + firstId).send()), 409);
    assertThat(problem.getString("detail")).contains("last admin key");
    assertThat(await(admin.get("/v1/jobs").send()).statusCode()).isEqualTo(200);

    JsonObject second = await(admin.post("/v1/keys").sendJsonObject(new JsonObject().put("name", "second admin")
        .put("role", "admin"))).bodyAsJsonObject();
    assertThat(await(admin.delete("/v1/keys/" + firstId).send()).statusCode()).isEqualTo(204);
    assertProblem(await(admin.get("/v1/jobs").send()), 401);
    ApiClient next = mesh.client(second.getString("key"));
    assertProblem(await(next.delete("/v1/keys/" + second.getString("id")).send()), 409);
  }

  @Test
  void aReadKeyReadsEverythingAndChangesNothing() throws Exception {
    NewProject project = mesh.newProject("read-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    String readKey = await(admin.post("/v1/keys").sendJsonObject(new JsonObject().put("name", "dashboard")
        .put("role", "read"))).bodyAsJsonObject().getString("key");
    ApiClient reader = mesh.client(readKey);

    for (String path : List.of("/v1/jobs", "/v1/assets", "/v1/documents", "/v1/webhooks/deliveries", "/v1/models")) {
      HttpResponse<Buffer> read = await(reader.get(path).send());
      assertThat(read.statusCode()).as("GET %s: %s", path, read.bodyAsString()).isEqualTo(200);
    }
    String someId = UUID.randomUUID().toString();
    record Refused(HttpMethod method, String path, String needs) {
    }
    List<Refused> refused = List.of(
        new Refused(HttpMethod.POST, "/v1/jobs", "member"),
        new Refused(HttpMethod.POST, "/v1/jobs/" + someId + "/cancel", "member"),
        new Refused(HttpMethod.POST, "/v1/jobs/" + someId + "/retry", "member"),
        new Refused(HttpMethod.POST, "/v1/pipelines", "member"),
        new Refused(HttpMethod.POST, "/v1/pipelines/" + someId + "/cancel", "member"),
        new Refused(HttpMethod.POST, "/v1/pipelines/" + someId + "/resume", "member"),
        new Refused(HttpMethod.POST, "/v1/uploads/tokens", "member"),
        new Refused(HttpMethod.DELETE, "/v1/documents/notes", "member"),
        new Refused(HttpMethod.GET, "/v1/webhooks/secret", "member"),
        new Refused(HttpMethod.GET, "/v1/keys", "admin"),
        new Refused(HttpMethod.POST, "/v1/keys", "admin"),
        new Refused(HttpMethod.GET, "/v1/admin/nodes", "admin"));
    for (Refused request : refused) {
      JsonObject problem = assertProblem(await(reader.request(request.method(), request.path())
          .sendJsonObject(new JsonObject().put("type", "transcription").put("assetId", someId))), 403);
      assertThat(problem.getString("detail")).as("%s %s", request.method(), request.path())
          .contains("the " + request.needs() + " role").contains("this key's role is read");
    }
    Path wav = SpeechSamples.librivox().get(1).wav();
    assertThat(await(reader.post("/v1/assets").sendMultipartForm(MultipartForm.create()
        .binaryFileUpload("file", "tone.wav", wav.toString(), "audio/wav"))).statusCode()).isEqualTo(403);
    assertThat(await(reader.post("/v1/audio/transcriptions").sendMultipartForm(MultipartForm.create()
        .attribute("model", "whisper-1").binaryFileUpload("file", "tone.wav", wav.toString(), "audio/wav")))
        .statusCode()).isEqualTo(403);
    HttpResponse<Buffer> tus = await(reader.post("/files/").putHeader("Tus-Resumable", "1.0.0")
        .putHeader("Upload-Length", "100").send());
    assertThat(tus.statusCode()).as(tus.bodyAsString()).isEqualTo(403);

    // Its document tokens are read-only: by default, and it cannot ask for more.
    JsonObject token = await(reader.post("/v1/documents/notes/tokens").send()).bodyAsJsonObject();
    assertThat(token.getString("access")).isEqualTo("read");
    assertThat(assertProblem(await(reader.post("/v1/documents/notes/tokens")
        .sendJsonObject(new JsonObject().put("access", "write"))), 403).getString("detail")).contains("read-only");
    // Nothing was made on its behalf.
    assertThat(await(admin.get("/v1/jobs").send()).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    assertThat(await(admin.get("/v1/assets").send()).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void aMemberKeyWorksButCannotManageKeys() {
    NewProject project = mesh.newProject("member-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    ApiClient member = mesh.client(await(admin.post("/v1/keys").sendJsonObject(new JsonObject()
        .put("name", "worker"))).bodyAsJsonObject().getString("key"));
    assertThat(await(member.post("/v1/uploads/tokens").send()).statusCode()).isEqualTo(201);
    assertThat(await(member.get("/v1/webhooks/secret").send()).statusCode()).isEqualTo(200);
    assertThat(await(member.post("/v1/documents/notes/tokens").send()).bodyAsJsonObject().getString("access"))
        .isEqualTo("write");
    JsonObject problem = assertProblem(await(member.post("/v1/keys")
        .sendJsonObject(new JsonObject().put("name", "mine").put("role", "admin"))), 403);
    assertThat(problem.getString("detail")).contains("the admin role;").contains("this key's role is member");
  }

  @Test
  void keysOfAnotherProjectAreNotFound() {
    NewProject a = mesh.newProject("keys-a-" + UUID.randomUUID());
    NewProject b = mesh.newProject("keys-b-" + UUID.randomUUID());
    ApiClient adminB = mesh.client(b.apiKey());
    String keyOfB = await(adminB.post("/v1/keys").sendJsonObject(new JsonObject().put("name", "b's")))
        .bodyAsJsonObject().getString("id");
    ApiClient adminA = mesh.client(a.apiKey());
    assertProblem(await(adminA.get("/v1/keys/" + keyOfB).send()), 404);
    assertProblem(await(adminA.delete("/v1/keys/" + keyOfB).send()), 404);
    assertThat(await(adminA.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys").encode())
        .doesNotContain(keyOfB);
    assertThat(await(adminB.get("/v1/keys/" + keyOfB).send()).bodyAsJsonObject().getBoolean("active")).isTrue();
  }

  @Test
  void aBadKeyRequestIsRefusedNamingTheField() {
    NewProject project = mesh.newProject("bad-keys-" + UUID.randomUUID());
    ApiClient admin = mesh.client(project.apiKey());
    record Bad(JsonObject body, String field) {
    }
    for (Bad bad : List.of(
        new Bad(new JsonObject(), "name"),
        new Bad(new JsonObject().put("name", " "), "name"),
        new Bad(new JsonObject().put("name", "x".repeat(101)), "name"),
        new Bad(new JsonObject().put("name", "tab\there"), "name"),
        new Bad(new JsonObject().put("name", 7), "name"),
        new Bad(new JsonObject().put("name", "ok").put("role", "owner"), "role"),
        new Bad(new JsonObject().put("name", "ok").put("role", 1), "role"),
        new Bad(new JsonObject().put("name", "ok").put("scopes", new JsonArray()), "scopes"))) {
      JsonObject problem = assertProblem(await(admin.post("/v1/keys").sendJsonObject(bad.body())), 400);
      assertThat(problem.getString("field")).as(bad.body().encode()).isEqualTo(bad.field());
    }
    assertProblem(await(admin.post("/v1/keys").putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("x"))),
        415);
    assertProblem(await(admin.post("/v1/keys").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\":"))), 400);
    assertProblem(await(admin.get("/v1/keys/not-a-uuid").send()), 404);
    assertProblem(await(admin.delete("/v1/keys/" + UUID.randomUUID()).send()), 404);
    assertThat(await(admin.get("/v1/keys").send()).bodyAsJsonObject().getJsonArray("keys")).hasSize(1);
  }
}
