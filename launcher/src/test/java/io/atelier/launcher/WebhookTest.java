package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
    // Deliveries are not ordered (every edge dispatches): the test waits for all three, whatever their order.
    io.vertx.core.Promise<Void> allThree = io.vertx.core.Promise.promise();
    int port = FreePorts.pick();
    HttpServer receiver = await(mesh.clientVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      types.add(new JsonObject(body.toString()).getString("type"));
      if (types.containsAll(List.of("job.queued", "job.running", "job.failed"))) {
        allThree.tryComplete();
      }
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
      allThree.future().await(30, TimeUnit.SECONDS);
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
      assertThat(problem.getString("field")).as("%s", webhook)
          .isEqualTo(webhook instanceof String ? "webhook" : "webhook.url");
    }
    assertProblem(await(api.get("/v1/webhooks/deliveries?jobId=nope").send()), 400);
    assertThat(await(mesh.client(mesh.projectB.apiKey()).get("/v1/webhooks/deliveries").send()).bodyAsJsonObject()
        .getJsonArray("deliveries")).as("another project sees none of these").isEmpty();
  }

  /**
   * A webhook may not point inside the network: loopback (beyond what the test mesh allows, 127.0.0.0/8),
   * link-local (the cloud metadata address among them), private, multicast and unspecified addresses are refused at
   * submission, for jobs and pipelines alike, naming the field and the reason.
   */
  @Test
  void aWebhookNamingAnAddressInsideTheNetworkIsRefusedAtSubmission() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    Map<String, String> inside = Map.of(
        "http://[::1]:8080/hook", "loopback",
        "http://169.254.169.254/latest/meta-data", "link-local",
        "http://[fe80::1]/hook", "link-local",
        "http://10.1.2.3/hook", "private",
        "https://172.20.0.5/hook", "private",
        "http://192.168.1.10:9000/hook", "private",
        "http://[fd00::5]/hook", "private",
        "http://224.0.0.251/hook", "multicast",
        "http://0.0.0.0:8080/hook", "unspecified",
        "http://[::]/hook", "unspecified");
    for (Map.Entry<String, String> url : inside.entrySet()) {
      JsonObject problem = assertProblem(api.submit(new JsonObject().put("type", "transcription").put("assetId", asset)
          .put("webhook", new JsonObject().put("url", url.getKey()))), 400);
      assertThat(problem.getString("field")).as(url.getKey()).isEqualTo("webhook.url");
      assertThat(problem.getString("detail")).as(url.getKey()).contains(url.getValue());
      JsonObject pipeline = assertProblem(await(api.post("/v1/pipelines").sendJsonObject(new JsonObject()
          .put("assetId", asset).put("steps", new JsonArray().add("render"))
          .put("webhook", new JsonObject().put("url", url.getKey())))), 400);
      assertThat(pipeline.getString("field")).as(url.getKey()).isEqualTo("webhook.url");
    }
  }

  @Test
  void aRetriedDeliveryKeepsItsWebhookIdAndEachEventHasItsOwn() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    List<Received> received = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> attemptsByEvent = new ConcurrentHashMap<>();
    int port = FreePorts.pick();
    // Each event is refused twice, then taken on its third attempt.
    HttpServer receiver = startReceiver(mesh, port, r -> {
      received.add(r);
      String event = new JsonObject(r.body()).getString("type");
      return attemptsByEvent.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet() <= 2 ? 503 : 204;
    });
    try {
      // No worker runs noop jobs here: queued, then cancelled, the job makes exactly two events.
      String job = submitNoop(api, port);
      cancel(api, job);

      JsonArray deliveries = awaitDeliveries(api, job, "both delivered", all -> all.size() == 2
          && all.stream().allMatch(d -> ((JsonObject) d).getString("state").equals("delivered")));
      Map<String, String> deliveryIdByType = deliveries.stream().map(JsonObject.class::cast)
          .collect(Collectors.toMap(d -> d.getString("type"), d -> d.getString("id")));
      assertThat(deliveryIdByType).containsOnlyKeys("job.queued", "job.cancelled");
      assertThat(deliveries).allSatisfy(d -> assertThat(((JsonObject) d).getInteger("attempts")).isEqualTo(3));

      Map<String, List<Received>> attempts = received.stream()
          .collect(Collectors.groupingBy(r -> new JsonObject(r.body()).getString("type")));
      assertThat(attempts).containsOnlyKeys("job.queued", "job.cancelled");
      for (var event : attempts.entrySet()) {
        List<Received> tries = event.getValue();
        assertThat(tries).as(event.getKey()).hasSize(3);
        assertThat(tries).extracting(r -> r.headers().get("webhook-id")).as("%s's webhook-id on each attempt",
            event.getKey()).containsOnly(deliveryIdByType.get(event.getKey()));
        assertThat(tries).extracting(Received::body).as("the same payload on each attempt").containsOnly(
            tries.get(0).body());
      }
      assertThat(deliveryIdByType.get("job.queued")).isNotEqualTo(deliveryIdByType.get("job.cancelled"));
    } finally {
      await(receiver.close());
    }
  }

  @Test
  void theEighthRefusedAttemptFailsTheDeliveryForGood() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    Map<String, AtomicInteger> requestsById = new ConcurrentHashMap<>();
    AtomicReference<CompletableFuture<String>> nextRequest = new AtomicReference<>(new CompletableFuture<>());
    int port = FreePorts.pick();
    HttpServer receiver = startReceiver(mesh, port, r -> {
      requestsById.computeIfAbsent(r.headers().get("webhook-id"), id -> new AtomicInteger()).incrementAndGet();
      nextRequest.get().complete(r.headers().get("webhook-id"));
      return 500;
    });
    try {
      String job = submitNoop(api, port);
      cancel(api, job);
      awaitDeliveries(api, job, "both refused once", all -> all.size() == 2
          && all.stream().allMatch(d -> ((JsonObject) d).getInteger("attempts") >= 1));

      // Real backoff would take two minutes to reach the last attempt: start both deliveries at it.
      int moved = await(mesh.pool.preparedQuery("""
              UPDATE webhook_deliveries SET attempts = 7, next_attempt_at = now()
              WHERE job_id = $1 AND state = 'pending'""").execute(Tuple.of(UUID.fromString(job)))).rowCount();
      assertThat(moved).isEqualTo(2);

      JsonArray deliveries = awaitDeliveries(api, job, "both failed", all -> all.size() == 2
          && all.stream().allMatch(d -> ((JsonObject) d).getString("state").equals("failed")));
      for (Object d : deliveries) {
        JsonObject delivery = (JsonObject) d;
        assertThat(delivery.getInteger("attempts")).as(delivery.encode()).isEqualTo(WEBHOOK_MAX_ATTEMPTS);
        assertThat(delivery.getInteger("lastStatus")).isEqualTo(500);
        assertThat(delivery.getString("lastError")).isEqualTo("HTTP 500");
        assertThat(delivery.getString("deliveredAt")).isNull();
      }
      Map<String, Integer> seen = Map.copyOf(requestsById.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())));
      assertThat(seen.keySet()).isEqualTo(deliveries.stream().map(d -> ((JsonObject) d).getString("id"))
          .collect(Collectors.toSet()));

      // A failed delivery stays failed even once it is due again: no attempt reaches the receiver in the next
      // few dispatch passes (every 500 ms), longer than the one-second backoff of a first retry.
      nextRequest.set(new CompletableFuture<>());
      await(mesh.pool.preparedQuery("UPDATE webhook_deliveries SET next_attempt_at = now() WHERE job_id = $1")
          .execute(Tuple.of(UUID.fromString(job))));
      assertThatNoRequestArrives(nextRequest.get(), Duration.ofMillis(2_500));
      assertThat(requestsById.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())))
          .isEqualTo(seen);
      assertThat(deliveries(api, job)).extracting(d -> ((JsonObject) d).getString("state"))
          .containsOnly("failed");
    } finally {
      await(receiver.close());
    }
  }

  /** The dispatcher's cap, written here rather than read: a change to it must be seen by this test. */
  private static final int WEBHOOK_MAX_ATTEMPTS = 8;

  private static JsonArray awaitAllDelivered(ApiClient api, String job) throws InterruptedException {
    return awaitDeliveries(api, job, "all three delivered", all -> all.size() == 3
        && all.stream().allMatch(d -> ((JsonObject) d).getString("state").equals("delivered")));
  }

  private static JsonArray deliveries(ApiClient api, String job) {
    return await(api.get("/v1/webhooks/deliveries?jobId=" + job).send()).bodyAsJsonObject().getJsonArray("deliveries");
  }

  /** Reads the job's deliveries through the API until they are as described, for at most 60 s. */
  private static JsonArray awaitDeliveries(ApiClient api, String job, String what, Predicate<JsonArray> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonArray deliveries = new JsonArray();
    while (System.nanoTime() < deadline) {
      deliveries = deliveries(api, job);
      if (done.test(deliveries)) {
        return deliveries;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("deliveries not " + what + ": " + deliveries.encodePrettily());
  }

  private static void assertThatNoRequestArrives(CompletableFuture<String> request, Duration during)
      throws Exception {
    try {
      String id = request.get(during.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("delivery " + id + " was attempted again after it failed");
    } catch (TimeoutException expected) {
      // Nothing came.
    }
  }

  /** A receiver on loopback that records each request and answers with the status {@code answer} gives. */
  private static HttpServer startReceiver(TestMesh mesh, int port, Function<Received, Integer> answer) {
    return await(mesh.clientVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Received received = new Received(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString());
      request.response().setStatusCode(answer.apply(received)).end();
    })).listen(port, "127.0.0.1"));
  }

  /** A noop job calling the receiver on {@code port}; no worker of the test mesh runs noop jobs, so it stays queued. */
  private static String submitNoop(ApiClient api, int port) throws Exception {
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    HttpResponse<Buffer> response = api.submit(new JsonObject().put("type", "noop").put("assetId", asset)
        .put("webhook", new JsonObject().put("url", "http://127.0.0.1:" + port + "/hooks/atelier")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("id");
  }

  private static void cancel(ApiClient api, String job) {
    HttpResponse<Buffer> response = await(api.post("/v1/jobs/" + job + "/cancel").send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getString("state")).isEqualTo("cancelled");
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
