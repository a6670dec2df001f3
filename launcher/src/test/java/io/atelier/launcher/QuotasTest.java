package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository.NewProject;
import io.atelier.embedded.FreePorts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-project quotas from configuration: bytes stored (a {@code 413}) and jobs unfinished at once (a {@code 429}),
 * each refused with a problem naming the quota, on a node of its own whose configuration gives one project small
 * quotas. Its render jobs stay queued (no render worker runs in the suite's mesh), so they are unfinished as long as
 * the test wants.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class QuotasTest {

  static TestMesh mesh;
  static MeshNode node;
  static NewProject tight;
  static NewProject busy;
  static NewProject crowded;
  static int port;
  static ApiClient api;
  static ApiClient busyApi;
  static Path recording;
  static long recordingBytes;

  @BeforeAll
  static void startNode() throws Exception {
    mesh = TestMesh.get();
    tight = mesh.newProject("tight-" + UUID.randomUUID());
    busy = mesh.newProject("busy-" + UUID.randomUUID());
    crowded = mesh.newProject("crowded-" + UUID.randomUUID());
    recording = SpeechSamples.librivox().get(1).wav();
    recordingBytes = Files.size(recording);
    port = FreePorts.pick();
    JsonObject projects = new JsonObject()
        .put(tight.projectId().toString(), new JsonObject().put("storedBytes", recordingBytes * 3 / 2))
        .put(busy.projectId().toString(), new JsonObject().put("concurrentJobs", 2))
        .put(crowded.projectId().toString(), new JsonObject().put("collabConnections", 2));
    node = mesh.startAnotherNode("quotas", port, config -> config
        .put("quotas", new JsonObject().put("projects", projects))
        .put("upload", config.getJsonObject("upload", new JsonObject()).put("port", 0)),
        EnumSet.of(VerticleName.EDGE, VerticleName.UPLOAD, VerticleName.COLLAB));
    api = new ApiClient(mesh.clientVertx, port, tight.apiKey());
    busyApi = new ApiClient(mesh.clientVertx, port, busy.apiKey());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      Blocking.await(node.stop(), Duration.ofMinutes(1));
    }
  }

  @Test
  void storingPastTheProjectsQuotaIsA413NamingItAndNothingIsStored() {
    String first = api.uploadAsset(recording);
    assertThat(first).isNotBlank();

    JsonObject problem = assertProblem(api.upload(recording, "audio/wav"), 413);
    assertThat(problem.getString("type")).isEqualTo("/problems/quota-exceeded");
    assertThat(problem.getString("quota")).isEqualTo("storedBytes");
    assertThat(problem.getLong("limit")).isEqualTo(recordingBytes * 3 / 2);
    assertThat(problem.getLong("used")).isEqualTo(recordingBytes);
    assertThat(problem.getString("detail")).contains("stored bytes");

    HttpResponse<Buffer> tus = await(api.post("/files/").putHeader("Tus-Resumable", "1.0.0")
        .putHeader("Upload-Length", Long.toString(recordingBytes)).send());
    assertThat(tus.statusCode()).as(tus.bodyAsString()).isEqualTo(413);
    assertThat(tus.bodyAsJsonObject().getString("type")).isEqualTo("/problems/quota-exceeded");
    assertThat(tus.bodyAsJsonObject().getString("detail")).contains("stored bytes");

    HttpResponse<Buffer> openAi = await(api.post("/v1/audio/transcriptions").sendMultipartForm(MultipartForm.create()
        .attribute("model", "whisper-1").binaryFileUpload("file", "a.wav", recording.toString(), "audio/wav")));
    assertThat(openAi.statusCode()).as(openAi.bodyAsString()).isEqualTo(413);
    assertThat(openAi.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("insufficient_quota");

    JsonArray assets = await(api.get("/v1/assets").send()).bodyAsJsonObject().getJsonArray("items");
    assertThat(assets).hasSize(1);
    // A small file still fits.
    HttpResponse<Buffer> small = await(api.post("/files/").putHeader("Tus-Resumable", "1.0.0")
        .putHeader("Upload-Length", Long.toString(recordingBytes / 4)).send());
    assertThat(small.statusCode()).as(small.bodyAsString()).isEqualTo(201);
    await(api.delete(small.getHeader("Location")).putHeader("Tus-Resumable", "1.0.0").send());
  }

  @Test
  void submittingPastTheProjectsUnfinishedJobsIsA429NamingItUntilOneEnds() {
    String asset = busyApi.uploadAsset(recording);
    JsonObject render = new JsonObject().put("type", "render").put("assetId", asset);
    String one = accepted(busyApi.submit(render));
    accepted(busyApi.submit(render));

    JsonObject problem = assertProblem(busyApi.submit(render), 429);
    assertThat(problem.getString("type")).isEqualTo("/problems/quota-exceeded");
    assertThat(problem.getString("quota")).isEqualTo("concurrentJobs");
    assertThat(problem.getInteger("limit")).isEqualTo(2);
    assertThat(problem.getInteger("used")).isEqualTo(2);
    assertProblem(await(busyApi.post("/v1/pipelines").sendJsonObject(new JsonObject().put("assetId", asset)
        .put("steps", new JsonArray().add("render")))), 429);
    assertThat(await(busyApi.get("/v1/jobs").send()).bodyAsJsonObject().getJsonArray("items")).hasSize(2);

    assertThat(await(busyApi.post("/v1/jobs/" + one + "/cancel").send()).statusCode()).isEqualTo(202);
    accepted(busyApi.submit(render));
  }

  @Test
  void theProjectsCollaborationConnectionsAreCountedAcrossNodesAndOnePastTheQuotaIsRefused() {
    ApiClient admin = mesh.client(crowded.apiKey());
    String token = await(admin.post("/v1/documents/crowded-notes/tokens").send()).bodyAsJsonObject()
        .getString("token");
    // One on a node of the suite's mesh (whose quota is the default), one on the node with the small quota.
    try (CollabTestClient elsewhere = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, "crowded-notes", token);
         CollabTestClient here = CollabTestClient.connect(mesh.clientVertx, port, "crowded-notes", token)) {
      elsewhere.awaitSynced();
      here.awaitSynced();
      CollabTestClient refused = CollabTestClient.connect(mesh.clientVertx, port, "crowded-notes", token);
      assertThat(refused.awaitClose()).as("try again later").isEqualTo((short) 1013);
      assertThat(refused.syncedWithin(Duration.ofMillis(200))).isFalse();

      Blocking.await(elsewhere.disconnect(), Duration.ofSeconds(10));
      awaitAdmitted(token);
    }
  }

  /** A socket of the crowded project gets in (a place was given back), within a few seconds. */
  private static void awaitAdmitted(String token) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (CollabTestClient next = CollabTestClient.connect(mesh.clientVertx, port, "crowded-notes", token)) {
        if (next.syncedWithin(Duration.ofSeconds(2))) {
          return;
        }
      }
    }
    throw new AssertionError("no socket admitted after one of the project's connections closed");
  }

  private static String accepted(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("id");
  }
}
