package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job names a webhook; its state changes arrive signed (Standard Webhooks), the signature checked by an independent
 * implementation (Node's crypto), and a receiver that fails at first gets them on a later attempt.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class WebhookTest {

  record Received(MultiMap headers, String body) {
  }

  @Test
  void stateChangesArriveSignedAndAreRetriedUntilTheReceiverTakesThem() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    List<Received> received = new CopyOnWriteArrayList<>();
    AtomicInteger refusals = new AtomicInteger(2);
    int port = FreePorts.pick();
    HttpServer receiver = await(mesh.clientVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
      request.response().setStatusCode(refusals.getAndDecrement() > 0 ? 503 : 204).end();
    })).listen(port, "127.0.0.1"));
    try {
      String secret = await(api.get("/v1/webhooks/secret").send()).bodyAsJsonObject().getString("secret");
      assertThat(secret).startsWith("whsec_");
      String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
      var response = api.submit(new JsonObject().put("type", "transcription").put("assetId", asset)
          .put("webhook", new JsonObject().put("url", "http://127.0.0.1:" + port + "/hooks/atelier")));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      String job = response.bodyAsJsonObject().getString("id");
      assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");

      JsonArray deliveries = awaitAllDelivered(api, job);
      assertThat(deliveries).hasSize(3);
      assertThat(deliveries.stream().map(d -> ((JsonObject) d).getString("type")))
          .containsExactlyInAnyOrder("job.queued", "job.running", "job.succeeded");
      int attempts = deliveries.stream().mapToInt(d -> ((JsonObject) d).getInteger("attempts")).sum();
      assertThat(attempts).as("two refusals, then every delivery taken").isEqualTo(5);
      assertThat(received).hasSize(5);

      for (Received r : received) {
        String id = r.headers().get("webhook-id");
        String timestamp = r.headers().get("webhook-timestamp");
        assertThat(r.headers().get("webhook-signature"))
            .isEqualTo(nodeSignature(secret, id, timestamp, r.body()));
        assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp))).isLessThan(300);
        JsonObject payload = new JsonObject(r.body());
        assertThat(payload.getString("type")).startsWith("job.");
        assertThat(payload.getJsonObject("data").getString("jobId")).isEqualTo(job);
      }
      JsonObject succeeded = received.stream().map(r -> new JsonObject(r.body()))
          .filter(p -> p.getString("type").equals("job.succeeded")).findFirst().orElseThrow();
      assertThat(succeeded.getJsonObject("data").getString("state")).isEqualTo("succeeded");
    } finally {
      await(receiver.close());
    }
  }

  @Test
  void aFailedJobsWebhookHearsOfItsFailure() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    List<String> types = new CopyOnWriteArrayList<>();
    int port = FreePorts.pick();
    HttpServer receiver = await(mesh.clientVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      types.add(new JsonObject(body.toString()).getString("type"));
      request.response().setStatusCode(204).end();
    })).listen(port, "127.0.0.1"));
    ObjectStorage storage = ObjectStorage.create(mesh.clientVertx, S3Config.from(mesh.edgeConfig));
    try {
      String asset = api.uploadAsset(SpeechSamples.librivox().get(0).wav());
      String key = await(mesh.pool.preparedQuery("SELECT storage_key FROM assets WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(asset)))).iterator().next().getString("storage_key");
      // The recording is gone from storage: the job fails, and that end is written by another path than a
      // success; it must reach the webhook too.
      await(storage.delete(key));
      var response = api.submit(new JsonObject().put("type", "transcription").put("assetId", asset).put("maxAttempts", 1)
          .put("webhook", new JsonObject().put("url", "http://127.0.0.1:" + port + "/hooks/atelier")));
      String job = response.bodyAsJsonObject().getString("id");
      assertThat(api.awaitFinished(job, Duration.ofSeconds(60)).getString("state")).isEqualTo("failed");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!types.contains("job.failed") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(types).contains("job.queued", "job.running", "job.failed");
    } finally {
      storage.close();
      await(receiver.close());
    }
  }

  @Test
  void aWebhookMustBeAnAbsoluteHttpUrl() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    for (Object webhook : new Object[] {"http://x", new JsonObject().put("url", "ftp://host/x"),
        new JsonObject().put("url", "/relative"), new JsonObject().put("url", 7), new JsonObject()}) {
      JsonObject problem = assertProblem(api.submit(new JsonObject().put("type", "transcription").put("assetId", asset)
          .put("webhook", webhook)), 400);
      assertThat(problem.getString("field")).as("%s", webhook).isEqualTo("webhook.url");
    }
    assertProblem(await(api.get("/v1/webhooks/deliveries?jobId=nope").send()), 400);
    assertThat(await(mesh.client(mesh.projectB.apiKey()).get("/v1/webhooks/deliveries").send()).bodyAsJsonObject()
        .getJsonArray("deliveries")).as("another project sees none of these").isEmpty();
  }

  private static JsonArray awaitAllDelivered(ApiClient api, String job) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonArray deliveries = new JsonArray();
    while (System.nanoTime() < deadline) {
      deliveries = await(api.get("/v1/webhooks/deliveries?jobId=" + job).send()).bodyAsJsonObject().getJsonArray("deliveries");
      if (deliveries.size() == 3 && deliveries.stream().allMatch(d -> ((JsonObject) d).getString("state").equals("delivered"))) {
        return deliveries;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("deliveries not all delivered: " + deliveries.encodePrettily());
  }

  /** The signature computed by Node.js's crypto module, as a receiver written in JavaScript would. */
  private static String nodeSignature(String secret, String id, String timestamp, String body) throws Exception {
    ProcessBuilder node = new ProcessBuilder("node", "-e", """
        const crypto = require('crypto');
        const key = Buffer.from(process.env.SECRET.slice('whsec_'.length), 'base64');
        const content = process.env.ID + '.' + process.env.TS + '.' + process.env.BODY;
        process.stdout.write('v1,' + crypto.createHmac('sha256', key).update(content).digest('base64'));
        """);
    node.environment().put("SECRET", secret);
    node.environment().put("ID", id);
    node.environment().put("TS", timestamp);
    node.environment().put("BODY", body);
    Process process = node.redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }
}
