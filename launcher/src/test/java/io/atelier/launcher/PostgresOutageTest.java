package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL goes away for a few seconds while a job runs. The edge answers 503 with Retry-After instead of
 * hanging; once the database is back everything resumes and the job still completes.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class PostgresOutageTest {

  @Test
  void theEdgeAnswers503WhilePostgresIsDownAndNoJobIsLost() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(0).wav()));

    mesh.services.stopPostgres();
    try {
      HttpResponse<Buffer> read = await(api.get("/v1/jobs/" + job).send());
      ApiClient.assertProblem(read, 503);
      assertThat(read.getHeader("Retry-After")).matches("\\d+");
      HttpResponse<Buffer> write = api.submit(new JsonObject().put("type", "transcription").put("assetId", job));
      ApiClient.assertProblem(write, 503);
      assertThat(write.getHeader("Retry-After")).matches("\\d+");
      // Readiness says so, naming what is down, so that load balancers send requests elsewhere meanwhile.
      HttpResponse<Buffer> ready = awaitReadiness(api, 503);
      assertThat(ready.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(ready.bodyAsJsonObject().getJsonArray("failing").encode()).contains("postgres");
    } finally {
      mesh.services.restartPostgres();
    }
    awaitReadiness(api, 200);

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status;
    do {
      status = await(api.get("/v1/jobs/" + job).send()).statusCode();
      if (status != 200) {
        Thread.sleep(250);
      }
    } while (status != 200 && System.nanoTime() < deadline);
    assertThat(status).as("the edge serves again once PostgreSQL is back").isEqualTo(200);
    assertThat(api.awaitFinished(job, Duration.ofSeconds(180)).getString("state")).isEqualTo("succeeded");
  }

  private static HttpResponse<Buffer> awaitReadiness(ApiClient api, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<Buffer> ready;
    do {
      ready = await(api.unauthenticated("/health/ready").send());
      if (ready.statusCode() == status) {
        return ready;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/health/ready never answered " + status + "; last " + ready.bodyAsString());
  }
}
