package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotency-Key on POST /v1/jobs: a repeat returns the original job; the key with another body is a conflict. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class IdempotencyTest {

  static TestMesh mesh;
  static ApiClient api;
  static String asset;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
    asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
  }

  @Test
  void aRepeatedRequestReturnsTheOriginalJob() {
    String key = "order-" + UUID.randomUUID();
    long before = jobs();
    HttpResponse<Buffer> first = submit(key, "{\"type\":\"transcription\",\"assetId\":\"" + asset + "\",\"params\":{\"language\":\"en\",\"prompt\":\"b\"}}");
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    // The same request written differently (key order, spacing) is still the same request.
    HttpResponse<Buffer> again = submit(key, "{ \"params\": {\"prompt\": \"b\", \"language\": \"en\"}, \"assetId\": \"" + asset + "\", \"type\": \"transcription\" }");
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.getHeader("Location")).isEqualTo(first.getHeader("Location"));
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));
    assertThat(jobs()).isEqualTo(before + 1);
  }

  @Test
  void theKeyWithADifferentRequestIsAConflict() {
    String key = "order-" + UUID.randomUUID();
    assertThat(submit(key, body(asset, 3)).statusCode()).isEqualTo(202);
    long before = jobs();
    JsonObject problem = assertProblem(submit(key, body(asset, 2)), 409);
    assertThat(problem.getString("detail")).contains(key);
    assertThat(jobs()).isEqualTo(before);
  }

  @Test
  void aReplayIsFoundInPostgresWhenRedisHasForgottenIt() {
    String key = "order-" + UUID.randomUUID();
    String id = submit(key, body(asset, 3)).bodyAsJsonObject().getString("id");
    await(io.vertx.redis.client.Redis.createClient(mesh.clientVertx, mesh.services.redisUri())
        .send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL)
            .arg("atelier:idempotency:" + mesh.projectA.projectId() + ":" + key)));
    HttpResponse<Buffer> again = submit(key, body(asset, 3));
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertProblem(submit(key, body(asset, 1)), 409);
  }

  /** More requests at once than the edge has database connections: each waits for the first, none for a pool. */
  @Test
  void concurrentRequestsWithOneKeyMakeOneJob() {
    String key = "burst-" + UUID.randomUUID();
    long before = jobs();
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      responses.add(api.post("/v1/jobs").putHeader("Idempotency-Key", key).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body(asset, 3))));
    }
    await(Future.join(responses));
    assertThat(responses).allSatisfy(r -> assertThat(r.result().statusCode()).isEqualTo(202));
    assertThat(responses.stream().map(r -> r.result().bodyAsJsonObject().getString("id")).distinct()).hasSize(1);
    assertThat(jobs()).isEqualTo(before + 1);
  }

  @Test
  void keysAreScopedByProject() throws Exception {
    String key = "shared-" + UUID.randomUUID();
    ApiClient other = mesh.client(mesh.projectB.apiKey());
    String otherAsset = other.uploadAsset(SpeechSamples.librivox().get(4).wav());
    String mine = submit(key, body(asset, 3)).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> theirs = await(other.post("/v1/jobs").putHeader("Idempotency-Key", key)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body(otherAsset, 3))));
    assertThat(theirs.statusCode()).isEqualTo(202);
    assertThat(theirs.getHeader("Idempotent-Replayed")).isNull();
    assertThat(theirs.bodyAsJsonObject().getString("id")).isNotEqualTo(mine);
  }

  @Test
  void aMalformedKeyIsRejected() {
    assertThat(assertProblem(submit("", body(asset, 3)), 400).getString("field")).isEqualTo("Idempotency-Key");
    assertThat(assertProblem(submit("x".repeat(256), body(asset, 3)), 400).getString("field")).isEqualTo("Idempotency-Key");
    assertThat(assertProblem(submit("tab\there", body(asset, 3)), 400).getString("field")).isEqualTo("Idempotency-Key");
  }

  private static HttpResponse<Buffer> submit(String key, String body) {
    return await(api.post("/v1/jobs").putHeader("Idempotency-Key", key).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static String body(String assetId, int maxAttempts) {
    return new JsonObject().put("type", "transcription").put("assetId", assetId).put("maxAttempts", maxAttempts).encode();
  }

  private static long jobs() {
    return await(mesh.pool.query("SELECT count(*) AS n FROM jobs").execute()).iterator().next().getLong("n");
  }
}
