package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.launcher.JobEventsTest.Event;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelines: transcription, enrichment and render as one request, each step queued by the previous one's success;
 * followed live at {@code GET /v1/events?pipeline=}; resumed from a failed step without redoing finished ones.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class PipelineTest {

  static TestMesh mesh;
  static ApiClient api;
  static ObjectStorage storage;
  static String renderDeployment;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
    storage = ObjectStorage.create(mesh.clientVertx, S3Config.from(mesh.edgeConfig));
    startRender();
  }

  @AfterAll
  static void stopRender() {
    if (renderDeployment != null) {
      await(mesh.workerNode.vertx().undeploy(renderDeployment));
      renderDeployment = null;
    }
    storage.close();
  }

  static void startRender() {
    if (renderDeployment == null) {
      renderDeployment = await(mesh.workerNode.vertx().deployVerticle(VerticleName.RENDER.create(mesh.workerNode.node()),
          new DeploymentOptions().setConfig(mesh.workerConfig)));
    }
  }

  /** Takes the render worker down, as an operator redeploying it would; each test that does brings it back. */
  static void stopRenderForNow() {
    if (renderDeployment != null) {
      await(mesh.workerNode.vertx().undeploy(renderDeployment));
      renderDeployment = null;
    }
  }

  /** Whatever a test did with it, the render worker runs again after it. */
  @AfterEach
  void renderRunsAgain() {
    startRender();
  }

  @Test
  void aPipelineRunsItsStepsInOrderAndStreamsItsEvents(@TempDir Path dir) throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(0).wav());
    HttpResponse<Buffer> created = submit(new JsonObject().put("assetId", asset)
        .put("steps", new JsonArray().add("transcription").add("enrichment")
            .add(new JsonObject().put("type", "render").put("params", new JsonObject().put("width", 800).put("height", 120)))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    JsonObject pipeline = created.bodyAsJsonObject();
    String id = pipeline.getString("id");
    assertThat(created.getHeader("Location")).isEqualTo("/v1/pipelines/" + id);
    assertThat(pipeline.getString("state")).isIn("queued", "running");
    assertThat(pipeline.getJsonArray("steps")).hasSize(3);

    // The stream ends by itself once the pipeline has finished.
    List<Event> events = JobEventsTest.parse(openEvents("/v1/events?pipeline=" + id, null));
    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    List<String> pipelineStates = events.stream().filter(e -> e.type().equals("pipeline"))
        .map(e -> e.data().getString("state") + ":" + e.data().getString("step")).toList();
    assertThat(pipelineStates).containsExactly("queued:transcription", "running:transcription",
        "running:enrichment", "running:render", "succeeded:render");
    List<String> jobStates = events.stream().filter(e -> e.type().equals("state"))
        .map(e -> e.data().getString("state")).toList();
    assertThat(jobStates).containsExactly("queued", "running", "succeeded", "queued", "running", "succeeded",
        "queued", "running", "succeeded");

    // Resumable: after any event id, the rest of the log and nothing else; after the last, nothing.
    List<Event> rest = JobEventsTest.parse(openEvents("/v1/events?pipeline=" + id, Long.toString(events.get(2).id())));
    assertThat(rest).isEqualTo(events.subList(3, events.size()));
    assertThat(JobEventsTest.parse(openEvents("/v1/events?pipeline=" + id,
        Long.toString(events.get(events.size() - 1).id())))).isEmpty();

    JsonObject finished = await(api.get("/v1/pipelines/" + id).send()).bodyAsJsonObject();
    assertThat(finished.getString("state")).isEqualTo("succeeded");
    assertThat(finished.getInteger("currentStep")).isEqualTo(2);
    JsonArray steps = finished.getJsonArray("steps");
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("state"))).containsOnly("succeeded");
    // Each step started only after the one before it had finished.
    List<JsonObject> jobs = steps.stream().map(s -> job(((JsonObject) s).getString("jobId"))).toList();
    for (int i = 1; i < jobs.size(); i++) {
      assertThat(jobs.get(i).getString("startedAt")).isGreaterThanOrEqualTo(jobs.get(i - 1).getString("finishedAt"));
      assertThat(jobs.get(i).getJsonObject("pipeline")).isEqualTo(new JsonObject().put("id", id).put("step", i));
    }

    JsonObject transcript = await(api.get("/v1/transcripts/" + jobs.get(0).getString("id")).send()).bodyAsJsonObject();
    assertThat(transcript.getString("text")).contains("dashwood");
    HttpResponse<Buffer> enrichment = await(api.get("/v1/enrichments/" + jobs.get(1).getString("id")).send());
    assertThat(enrichment.statusCode()).as(enrichment.bodyAsString()).isEqualTo(200);
    JsonObject enriched = enrichment.bodyAsJsonObject();
    assertThat(enriched.getString("transcriptJobId")).isEqualTo(jobs.get(0).getString("id"));
    assertThat(enriched.getJsonArray("keywords").stream().map(k -> ((JsonObject) k).getString("text")).toList())
        .anyMatch(k -> k.contains("dashwood"));
    assertThat(enriched.getJsonArray("chapters")).isNotEmpty();
    assertThat(enriched.getString("summary")).isNotBlank();

    String render = jobs.get(2).getString("id");
    JsonObject files = await(api.get("/v1/renders/" + render).send()).bodyAsJsonObject().getJsonObject("files");
    assertThat(files.getJsonObject("waveform.png").getString("url")).isEqualTo("/v1/renders/" + render + "/waveform.png");
    HttpResponse<Buffer> png = await(api.get("/v1/renders/" + render + "/waveform.png").send());
    assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
    assertThat(pngSize(png.body())).isEqualTo(new int[] {800, 120});
    assertProblem(await(api.get("/v1/renders/" + render + "/poster.jpg").send()), 404);
    assertProblem(await(api.get("/v1/enrichments/" + render).send()), 404);
  }

  @Test
  void aFailedPipelineResumesFromTheFailedStepWithoutRedoingFinishedOnes() throws Exception {
    // The render worker is down (an operator is redeploying it) while its step is queued, and the asset's file goes
    // missing meanwhile: the render fails for good, so the pipeline fails at that step.
    stopRenderForNow();
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    String key = await(mesh.pool.preparedQuery("SELECT storage_key FROM assets WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(asset)))).iterator().next().getString("storage_key");
    String id = created(submit(new JsonObject().put("assetId", asset).put("steps", new JsonArray()
        .add("transcription").add("enrichment").add(new JsonObject().put("type", "render").put("maxAttempts", 1)))));
    JsonObject waiting = awaitPipeline(id, p -> p.getInteger("currentStep") == 2);
    assertThat(waiting.getString("state")).isEqualTo("running");
    assertThat(waiting.getJsonArray("steps").getJsonObject(2).getString("state")).isEqualTo("queued");
    Buffer media = await(storage.getBytes(key));
    await(storage.delete(key));
    startRender();

    JsonObject failed = awaitPipeline(id, p -> !p.getString("state").equals("running"));
    assertThat(failed.getString("state")).isEqualTo("failed");
    assertThat(failed.getInteger("currentStep")).isEqualTo(2);
    assertThat(failed.getString("error")).startsWith("step 2 (render): not_found: ").contains("missing from storage");
    assertThat(failed.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("state")))
        .containsExactly("succeeded", "succeeded", "failed");
    List<String> jobIds = failed.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("jobId")).toList();

    // Only a failed or cancelled pipeline resumes; this one does once its file is back.
    await(storage.putBytes(key, media.getBytes(), "audio/wav"));
    HttpResponse<Buffer> resumed = await(api.post("/v1/pipelines/" + id + "/resume").send());
    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(202);
    JsonObject done = awaitPipeline(id, p -> p.getString("state").matches("succeeded|failed|cancelled"));
    assertThat(done.getString("state")).isEqualTo("succeeded");
    assertThat(done.getString("error")).isNull();
    assertThat(done.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("jobId")).toList())
        .as("the same three jobs").isEqualTo(jobIds);
    assertThat(done.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getInteger("attempts")).toList())
        .as("the finished steps did not run again").containsExactly(1, 1, 2);
    assertThat(job(jobIds.get(2)).getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("outcome")))
        .containsExactly("failed", "succeeded");
    assertThat(count("SELECT count(*) FROM transcripts WHERE job_id = $1", jobIds.get(0))).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM enrichments WHERE job_id = $1", jobIds.get(1))).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM renders WHERE job_id = $1", jobIds.get(2))).isEqualTo(1);

    JsonObject conflict = assertProblem(await(api.post("/v1/pipelines/" + id + "/resume").send()), 409);
    assertThat(conflict.getString("state")).isEqualTo("succeeded");
    assertProblem(await(api.post("/v1/pipelines/" + id + "/cancel").send()), 409);
  }

  @Test
  void aCancelledPipelineStopsAtItsStepAndCanBeResumed() throws Exception {
    stopRenderForNow();
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    String id = created(submit(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render"))));
    HttpResponse<Buffer> cancelled = await(api.post("/v1/pipelines/" + id + "/cancel").send());
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(202);
    assertThat(cancelled.bodyAsJsonObject().getString("state")).isEqualTo("cancelled");
    startRender();
    assertThat(await(api.post("/v1/pipelines/" + id + "/resume").send()).statusCode()).isEqualTo(202);
    assertThat(awaitPipeline(id, p -> p.getString("state").matches("succeeded|failed|cancelled")).getString("state"))
        .isEqualTo("succeeded");
  }

  @Test
  void aPipelinesWebhookGetsADeliveryForEachOfItsStateChanges() throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    // Nobody listens there: the deliveries are recorded (and retried) all the same.
    String id = created(submit(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render"))
        .put("webhook", new JsonObject().put("url", "http://127.0.0.1:9/atelier-hook"))));
    String job = awaitPipeline(id, p -> p.getString("state").equals("succeeded"))
        .getJsonArray("steps").getJsonObject(0).getString("jobId");
    JsonArray deliveries = await(api.get("/v1/webhooks/deliveries?jobId=" + job).send()).bodyAsJsonObject()
        .getJsonArray("deliveries");
    assertThat(deliveries.stream().map(d -> ((JsonObject) d).getString("type")))
        .containsExactlyInAnyOrder("pipeline.queued", "pipeline.running", "pipeline.succeeded");
    assertThat(deliveries.stream().map(d -> ((JsonObject) d).getJsonObject("payload").getJsonObject("data")))
        .allSatisfy(data -> assertThat(data.getString("pipelineId")).isEqualTo(id))
        .anySatisfy(data -> assertThat(data.getDouble("progress")).isEqualTo(1.0));
  }

  @Test
  void aRepeatedIdempotencyKeyReturnsTheSamePipeline() throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    JsonObject body = new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render"));
    String key = "pipeline-" + UUID.randomUUID();
    HttpResponse<Buffer> first = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key).sendJsonObject(body));
    HttpResponse<Buffer> again = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key).sendJsonObject(body));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));
    assertProblem(await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key)
        .sendJsonObject(body.copy().put("steps", new JsonArray().add("transcription")))), 409);
    awaitPipeline(first.bodyAsJsonObject().getString("id"), p -> p.getString("state").equals("succeeded"));
  }

  @Test
  void aPipelinesIdempotencyKeyIsAnsweredFromRedisAndFromPostgresAlike() throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    JsonObject body = new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render"));
    String key = "pipeline-" + UUID.randomUUID();
    HttpResponse<Buffer> first = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key).sendJsonObject(body));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
    String id = first.bodyAsJsonObject().getString("id");
    String cacheKey = "atelier:idempotency:" + mesh.projectA.projectId() + ":" + key;
    io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(mesh.clientVertx, mesh.services.redisUri());
    try {
      // The key's row gone from PostgreSQL (as when it expires there first): the cache alone still answers.
      await(mesh.pool.preparedQuery("DELETE FROM idempotency_keys WHERE project_id = $1 AND key = $2")
          .execute(Tuple.of(mesh.projectA.projectId(), key)));
      HttpResponse<Buffer> fromRedis = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key).sendJsonObject(body));
      assertThat(fromRedis.getHeader("Idempotent-Replayed")).isEqualTo("true");
      assertThat(fromRedis.bodyAsJsonObject().getString("id")).isEqualTo(id);
      assertProblem(await(api.post("/v1/pipelines").putHeader("Idempotency-Key", key)
          .sendJsonObject(body.copy().put("steps", new JsonArray().add("transcription")))), 409);
      // And the other way round: a second key, forgotten by Redis, is found in PostgreSQL.
      String other = key + "-b";
      String otherId = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", other).sendJsonObject(body))
          .bodyAsJsonObject().getString("id");
      await(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg(cacheKey + "-b")));
      HttpResponse<Buffer> fromPostgres = await(api.post("/v1/pipelines").putHeader("Idempotency-Key", other).sendJsonObject(body));
      assertThat(fromPostgres.getHeader("Idempotent-Replayed")).isEqualTo("true");
      assertThat(fromPostgres.bodyAsJsonObject().getString("id")).isEqualTo(otherId);
    } finally {
      redis.close();
    }
    awaitPipeline(id, p -> p.getString("state").equals("succeeded"));
  }

  @Test
  void badPipelineRequestsAreRefusedNamingTheField() throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    assertThat(field(new JsonObject().put("steps", new JsonArray().add("render")))).isEqualTo("assetId");
    assertThat(field(new JsonObject().put("assetId", asset))).isEqualTo("steps");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray()))).isEqualTo("steps");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render").add("telepathy"))))
        .isEqualTo("steps[1].type");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add(42)))).isEqualTo("steps[0]");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("enrichment"))))
        .isEqualTo("steps[0].type");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray()
        .add(new JsonObject().put("type", "render").put("maxAttempts", 0))))).isEqualTo("steps[0].maxAttempts");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray()
        .add(new JsonObject().put("type", "render").put("params", "wide"))))).isEqualTo("steps[0].params");
    assertThat(field(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("transcription")
        .add(new JsonObject().put("type", "render").put("params", new JsonObject().put("color", "red"))))))
        .isEqualTo("steps[1].params.color");
    assertProblem(submit(new JsonObject().put("assetId", UUID.randomUUID().toString())
        .put("steps", new JsonArray().add("render"))), 404);
    assertProblem(await(api.get("/v1/pipelines/" + UUID.randomUUID()).send()), 404);
    assertProblem(await(api.get("/v1/pipelines/not-an-id").send()), 404);
    assertThat(assertProblem(await(api.get("/v1/events").send()), 400).getString("field")).isEqualTo("pipeline");
    String other = created(submit(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("render"))));
    assertProblem(await(mesh.client(mesh.projectB.apiKey()).get("/v1/pipelines/" + other).send()), 404);
    assertProblem(await(mesh.client(mesh.projectB.apiKey()).get("/v1/events?pipeline=" + other).send()), 404);
    awaitPipeline(other, p -> p.getString("state").equals("succeeded"));
  }

  private static String field(JsonObject body) {
    return assertProblem(submit(body), 400).getString("field");
  }

  private static HttpResponse<Buffer> submit(JsonObject body) {
    return await(api.post("/v1/pipelines").sendJsonObject(body));
  }

  private static String created(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject job(String id) {
    return await(api.get("/v1/jobs/" + id).send()).bodyAsJsonObject();
  }

  private static long count(String sql, String jobId) {
    return await(mesh.pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(jobId)))).iterator().next().getLong(0);
  }

  private static JsonObject awaitPipeline(String id, java.util.function.Predicate<JsonObject> until)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonObject pipeline;
    do {
      pipeline = await(api.get("/v1/pipelines/" + id).send()).bodyAsJsonObject();
      if (until.test(pipeline)) {
        return pipeline;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("pipeline " + id + " did not get there in time; last seen " + pipeline.encode());
  }

  private static String openEvents(String path, String lastEventId) {
    return JobEventsTest.openEvents(api, path, lastEventId).bodyAsString();
  }

  /** Width and height from a PNG's IHDR chunk, after checking the signature. */
  private static int[] pngSize(Buffer png) {
    assertThat(png.getBytes(0, 8)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    assertThat(png.getString(12, 16)).isEqualTo("IHDR");
    ByteBuffer header = ByteBuffer.wrap(png.getBytes(16, 24));
    return new int[] {header.getInt(), header.getInt()};
  }
}
