package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cancelling and retrying jobs over HTTP, against the running two-node mesh. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class JobControlTest {

  static TestMesh mesh;
  static ApiClient api;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
  }

  @Test
  void aRunningTranscriptionIsToldToStopAndDoes(@TempDir Path dir) throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.longRecording(dir)));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!state(job).equals("running")) {
      assertThat(System.nanoTime()).as("the job starts").isLessThan(deadline);
      Thread.sleep(100);
    }
    HttpResponse<Buffer> cancel = await(api.post("/v1/jobs/" + job + "/cancel").send());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(202);
    assertThat(cancel.bodyAsJsonObject().getBoolean("cancelRequested")).isTrue();

    JsonObject finished = api.awaitFinished(job, Duration.ofSeconds(60));
    assertThat(finished.getString("state")).isEqualTo("cancelled");
    assertThat(await(api.get("/v1/jobs/" + job).send()).bodyAsJsonObject().getJsonArray("history")
        .getJsonObject(0).getString("outcome")).isEqualTo("cancelled");
    assertProblem(await(api.get("/v1/transcripts/" + job).send()), 409);
    JsonObject again = assertProblem(await(api.post("/v1/jobs/" + job + "/cancel").send()), 409);
    assertThat(again.getString("state")).isEqualTo("cancelled");
  }

  @Test
  void aFailedJobCanBeRetriedAndASucceededOneCannot(@TempDir Path dir) throws Exception {
    byte[] corrupt = new byte[32 * 1024];
    new java.util.Random(3).nextBytes(corrupt);
    System.arraycopy("fLaC".getBytes(), 0, corrupt, 0, 4);
    // The API refuses such a file; one that went bad in storage after it was accepted fails its job.
    String broken = api.submitTranscription(TestMesh.get().storeDamagedAsset(TestMesh.get().projectA.projectId(),
        corrupt, "audio/flac"));
    assertThat(api.awaitFinished(broken, Duration.ofSeconds(60)).getString("state")).isEqualTo("failed");

    HttpResponse<Buffer> retry = await(api.post("/v1/jobs/" + broken + "/retry").send());
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(202);
    assertThat(retry.getHeader("Location")).isEqualTo("/v1/jobs/" + broken);
    JsonObject second = api.awaitFinished(broken, Duration.ofSeconds(60));
    assertThat(second.getString("state")).isEqualTo("failed");
    assertThat(second.getInteger("attempts")).isEqualTo(2);
    assertThat(await(api.get("/v1/jobs/" + broken).send()).bodyAsJsonObject().getJsonArray("history")).hasSize(2);

    String good = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(good, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
    assertThat(assertProblem(await(api.post("/v1/jobs/" + good + "/retry").send()), 409).getString("state"))
        .isEqualTo("succeeded");
    assertProblem(await(api.post("/v1/jobs/" + good + "/cancel").send()), 409);
  }

  @Test
  void anotherProjectCannotCancelOrRetryAJob() throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    ApiClient other = mesh.client(mesh.projectB.apiKey());
    assertProblem(await(other.post("/v1/jobs/" + job + "/cancel").send()), 404);
    assertProblem(await(other.post("/v1/jobs/" + job + "/retry").send()), 404);
    assertProblem(await(api.post("/v1/jobs/" + UUID.randomUUID() + "/cancel").send()), 404);
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
  }

  private static String state(String job) {
    return await(api.get("/v1/jobs/" + job).send()).bodyAsJsonObject().getString("state");
  }
}
