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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every kind of item a project has, made by project A, then asked for by project B's admin key — by id, through
 * every route that takes the id, and by listing: each is a {@code 404} (or absent from B's lists, or B's own empty
 * document for a socket), never A's data. A's key still reaches all of it, so the refusals are not a broken route.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
// The socket's test goes last: opening a document makes B one of that name, which the others check B lacks.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantIsolationTest {

  static TestMesh mesh;
  static ApiClient a;
  static ApiClient b;
  static NewProject projectA;
  static NewProject projectB;
  static String asset;
  static String job;
  static String pipeline;
  static String enrichment;
  static String render;
  static String upload;
  static String document;

  @BeforeAll
  static void makeOneOfEverythingInProjectA() throws Exception {
    mesh = TestMesh.get();
    projectA = mesh.newProject("isolated-a-" + UUID.randomUUID());
    projectB = mesh.newProject("isolated-b-" + UUID.randomUUID());
    a = mesh.client(projectA.apiKey());
    b = mesh.client(projectB.apiKey());
    asset = a.uploadAsset(SpeechSamples.librivox().get(1).wav());
    job = a.submitTranscription(asset);
    assertThat(a.awaitFinished(job, Duration.ofMinutes(2)).getString("state")).isEqualTo("succeeded");
    HttpResponse<Buffer> submitted = await(a.post("/v1/pipelines").sendJsonObject(new JsonObject()
        .put("assetId", asset).put("steps", new JsonArray().add("transcription").add("enrichment"))));
    assertThat(submitted.statusCode()).as(submitted.bodyAsString()).isEqualTo(202);
    pipeline = submitted.bodyAsJsonObject().getString("id");
    enrichment = awaitStep(pipeline, 1);
    // No render worker runs in the suite's mesh: the job stays queued, which is all an id needs.
    render = await(a.post("/v1/jobs").sendJsonObject(new JsonObject().put("type", "render").put("assetId", asset)))
        .bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> created = await(a.post("/files/").putHeader("Tus-Resumable", "1.0.0")
        .putHeader("Upload-Length", "1000").send());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    upload = created.getHeader("Location").substring("/files/".length());
    document = "isolated-notes";
    try (CollabTestClient writer = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, document,
        token(a, document))) {
      writer.awaitSynced();
      writer.insert("only project A may read this");
      writer.awaitText(text -> text.contains("only project A"), Duration.ofSeconds(10), "A's edit");
    }
    awaitDocumentText(a, document, "only project A may read this");
  }

  @Test
  @Order(1)
  void everyRouteThatTakesAnIdOfProjectAIsNotFoundForProjectB() {
    String file = "waveform.png";
    List<Ask> asks = List.of(
        new Ask(HttpMethod.GET, "/v1/assets/" + asset),
        new Ask(HttpMethod.GET, "/v1/assets/" + asset + "/content"),
        new Ask(HttpMethod.GET, "/v1/assets/" + asset + "/link"),
        new Ask(HttpMethod.GET, "/v1/jobs/" + job),
        new Ask(HttpMethod.GET, "/v1/jobs/" + job + "/events"),
        new Ask(HttpMethod.POST, "/v1/jobs/" + job + "/retry"),
        new Ask(HttpMethod.POST, "/v1/jobs/" + render + "/cancel"),
        new Ask(HttpMethod.GET, "/v1/transcripts/" + job),
        new Ask(HttpMethod.GET, "/v1/transcripts/" + job + ".vtt"),
        new Ask(HttpMethod.GET, "/v1/pipelines/" + pipeline),
        new Ask(HttpMethod.POST, "/v1/pipelines/" + pipeline + "/cancel"),
        new Ask(HttpMethod.POST, "/v1/pipelines/" + pipeline + "/resume"),
        new Ask(HttpMethod.GET, "/v1/events?pipeline=" + pipeline),
        new Ask(HttpMethod.GET, "/v1/enrichments/" + enrichment),
        new Ask(HttpMethod.GET, "/v1/renders/" + render),
        new Ask(HttpMethod.GET, "/v1/renders/" + render + "/" + file),
        new Ask(HttpMethod.GET, "/v1/renders/" + render + "/" + file + "/link"),
        new Ask(HttpMethod.GET, "/v1/uploads/" + upload),
        new Ask(HttpMethod.GET, "/v1/documents/" + document),
        new Ask(HttpMethod.DELETE, "/v1/documents/" + document));
    for (Ask ask : asks) {
      assertProblem(await(b.request(ask.method(), ask.path()).send()), 404);
    }
    // Submitting on A's asset is refused the same way, and made nothing.
    assertProblem(b.submit(new JsonObject().put("type", "transcription").put("assetId", asset)), 404);
    assertProblem(await(b.post("/v1/pipelines").sendJsonObject(new JsonObject().put("assetId", asset)
        .put("steps", new JsonArray().add("transcription")))), 404);
    // A's own key reaches every one of them, and its document is untouched by B's DELETE.
    for (String path : List.of("/v1/assets/" + asset, "/v1/jobs/" + job, "/v1/transcripts/" + job,
        "/v1/pipelines/" + pipeline, "/v1/enrichments/" + enrichment, "/v1/uploads/" + upload,
        "/v1/documents/" + document)) {
      assertThat(await(a.get(path).send()).statusCode()).as("A's GET %s", path).isEqualTo(200);
    }
  }

  @Test
  @Order(1)
  void projectBsListsHoldNothingOfProjectA() {
    for (String path : List.of("/v1/assets?limit=100", "/v1/jobs?limit=100", "/v1/jobs?assetId=" + asset,
        "/v1/documents", "/v1/webhooks/deliveries", "/v1/webhooks/deliveries?jobId=" + job, "/v1/keys")) {
      HttpResponse<Buffer> listed = await(b.get(path).send());
      assertThat(listed.statusCode()).as("B's GET %s: %s", path, listed.bodyAsString()).isEqualTo(200);
      String body = listed.bodyAsString();
      for (String id : List.of(asset, job, pipeline, enrichment, render, upload, projectA.projectId().toString(),
          "isolated-notes")) {
        assertThat(body).as("B's GET %s", path).doesNotContain(id);
      }
    }
    assertThat(await(a.get("/v1/jobs?assetId=" + asset).send()).bodyAsString()).contains(job);
  }

  @Test
  @Order(1)
  void projectBsUploadRequestsOnProjectAsUploadAreNotFound() {
    for (HttpMethod method : List.of(HttpMethod.HEAD, HttpMethod.PATCH, HttpMethod.DELETE)) {
      HttpResponse<Buffer> answer = await(b.request(method, "/files/" + upload).putHeader("Tus-Resumable", "1.0.0")
          .putHeader("Upload-Offset", "0").putHeader("Content-Type", "application/offset+octet-stream")
          .sendBuffer(Buffer.buffer(new byte[10])));
      assertThat(answer.statusCode()).as("B's %s of A's upload", method).isEqualTo(404);
    }
    HttpResponse<Buffer> head = await(a.request(HttpMethod.HEAD, "/files/" + upload)
        .putHeader("Tus-Resumable", "1.0.0").send());
    assertThat(head.getHeader("Upload-Offset")).as("B's PATCH wrote nothing").isEqualTo("0");
  }

  @Test
  @Order(2)
  void projectBsSocketOnTheSameDocumentNameOpensItsOwnEmptyDocument() {
    try (CollabTestClient reader = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, document,
        token(b, document))) {
      reader.awaitSynced();
      assertThat(reader.text()).isEmpty();
    }
    // A token of B cannot be bent to A's project: it is signed for B.
    awaitDocumentText(a, document, "only project A may read this");
  }

  private record Ask(HttpMethod method, String path) {
  }

  private static String token(ApiClient client, String name) {
    return await(client.post("/v1/documents/" + name + "/tokens").send()).bodyAsJsonObject().getString("token");
  }

  private static void awaitDocumentText(ApiClient client, String name, String text) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String seen = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<Buffer> got = await(client.get("/v1/documents/" + name).send());
      seen = got.statusCode() == 200 ? got.bodyAsJsonObject().getString("text") : got.bodyAsString();
      if (text.equals(seen)) {
        return;
      }
      sleep(100);
    }
    throw new AssertionError("document " + name + " never read '" + text + "'; last seen " + seen);
  }

  /** The job id of a pipeline's step, once the step has succeeded. */
  private static String awaitStep(String pipelineId, int step) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonObject seen = null;
    while (System.nanoTime() < deadline) {
      seen = await(a.get("/v1/pipelines/" + pipelineId).send()).bodyAsJsonObject();
      JsonObject at = seen.getJsonArray("steps").getJsonObject(step);
      if ("succeeded".equals(at.getString("state"))) {
        return at.getString("jobId");
      }
      sleep(200);
    }
    throw new AssertionError("step " + step + " of pipeline " + pipelineId + " did not succeed: " + seen);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
