package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository.NewProject;
import io.atelier.embedded.FreePorts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-key rate limits: one token bucket in Redis per key, shared by every edge node, with the RateLimit headers on
 * every answer and a 429 with Retry-After past the limit. Two edges of their own, with a small limit.
 */
class RateLimitTest {

  /** Half a token a second, so that nothing refills between two requests of a test: the counts are exact. */
  static final double RATE = 0.5;
  static final int BURST = 4;

  static TestMesh mesh;
  static MeshNode first;
  static MeshNode second;
  static int firstPort;
  static int secondPort;
  static NewProject roomy;

  @BeforeAll
  static void startEdges() throws Exception {
    mesh = TestMesh.get();
    roomy = mesh.newProject("roomy-" + UUID.randomUUID());
    firstPort = FreePorts.pick();
    secondPort = FreePorts.pick();
    JsonObject limits = new JsonObject().put("requestsPerSecond", RATE).put("burst", BURST)
        .put("projects", new JsonObject().put(roomy.projectId().toString(), new JsonObject().put("burst", 50)));
    first = mesh.startAnotherNode("limits-a", firstPort, config -> config.put("limits", limits.copy()),
        Set.of(VerticleName.EDGE));
    second = mesh.startAnotherNode("limits-b", secondPort, config -> config.put("limits", limits.copy()),
        Set.of(VerticleName.EDGE));
  }

  @AfterAll
  static void stopEdges() {
    for (MeshNode node : java.util.Arrays.asList(first, second)) {
      if (node != null) {
        Blocking.await(node.stop(), java.time.Duration.ofMinutes(1));
      }
    }
  }

  @Test
  void aKeyGetsItsBurstAcrossBothEdgesThenA429WithRetryAfterThenMoreAsTheBucketRefills() throws Exception {
    NewProject project = mesh.newProject("limited-" + UUID.randomUUID());
    // Made first, through an edge of the suite's own (limits far higher): a bucket is the key's whichever edge it
    // meets, so after this one the limited edges find the key's bucket full.
    String other = await(mesh.client(project.apiKey()).post("/v1/keys")
        .sendJsonObject(new JsonObject().put("name", "other").put("role", "read"))).bodyAsJsonObject().getString("key");
    List<ApiClient> edges = List.of(new ApiClient(mesh.clientVertx, firstPort, project.apiKey()),
        new ApiClient(mesh.clientVertx, secondPort, project.apiKey()));

    for (int i = 0; i < BURST; i++) {
      HttpResponse<Buffer> allowed = await(edges.get(i % 2).get("/v1/jobs").send());
      assertThat(allowed.statusCode()).as("request %d: %s", i, allowed.bodyAsString()).isEqualTo(200);
      assertThat(allowed.getHeader("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
      assertThat(allowed.getHeader("RateLimit-Remaining")).as("request %d", i)
          .isEqualTo(Integer.toString(BURST - 1 - i));
      assertThat(Integer.parseInt(allowed.getHeader("RateLimit-Reset"))).isBetween(1, (int) Math.ceil(BURST / RATE));
    }
    // The bucket is the key's, not an edge's: both refuse now.
    for (ApiClient edge : edges) {
      HttpResponse<Buffer> refused = await(edge.get("/v1/jobs").send());
      JsonObject problem = assertProblem(refused, 429);
      assertThat(problem.getString("type")).isEqualTo("/problems/rate-limited");
      assertThat(problem.getString("detail")).contains("0.5 requests a second").contains("bursts of up to 4");
      assertThat(problem.getInteger("limit")).isEqualTo(BURST);
      int retryAfter = Integer.parseInt(refused.getHeader("Retry-After"));
      assertThat(retryAfter).isBetween(1, 2);
      assertThat(problem.getInteger("retryAfterSeconds")).isEqualTo(retryAfter);
      assertThat(refused.getHeader("RateLimit-Remaining")).isEqualTo("0");
    }
    // OpenAI's routes say so in OpenAI's shape, which its SDKs retry after Retry-After.
    HttpResponse<Buffer> openAi = await(edges.get(0).get("/v1/models").send());
    assertThat(openAi.statusCode()).isEqualTo(429);
    assertThat(openAi.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("rate_limit_exceeded");

    // Another key of the same project has a bucket of its own.
    HttpResponse<Buffer> otherKey = await(new ApiClient(mesh.clientVertx, secondPort, other).get("/v1/jobs").send());
    assertThat(otherKey.statusCode()).isEqualTo(200);
    assertThat(otherKey.getHeader("RateLimit-Remaining")).isEqualTo(Integer.toString(BURST - 1));

    Thread.sleep((long) (1_000 / RATE) + 100);
    assertThat(await(edges.get(1).get("/v1/jobs").send()).statusCode()).as("a token refilled").isEqualTo(200);
    assertProblem(await(edges.get(0).get("/v1/jobs").send()), 429);
  }

  @Test
  void uploadsDrawFromTheKeysBucketWhetherWithTheKeyOrWithAnUploadToken() throws Exception {
    int port = FreePorts.pick();
    JsonObject limits = new JsonObject().put("requestsPerSecond", RATE).put("burst", BURST);
    // An edge with an upload verticle of its own: its /files/ are served here, under these limits.
    MeshNode uploads = mesh.startAnotherNode("limits-upload", port, config -> config.put("limits", limits.copy()),
        Set.of(VerticleName.EDGE, VerticleName.UPLOAD));
    try {
      NewProject project = mesh.newProject("uploading-" + UUID.randomUUID());
      // Minted through the suite's edge: the token names the key, so its uploads draw from the key's bucket.
      String token = await(mesh.client(project.apiKey()).post("/v1/uploads/tokens").sendJsonObject(new JsonObject()))
          .bodyAsJsonObject().getString("token");
      io.vertx.ext.web.client.WebClient web = io.vertx.ext.web.client.WebClient.create(mesh.clientVertx);
      java.util.function.Function<String, HttpResponse<Buffer>> create = credential -> await(
          web.post(port, "127.0.0.1", "/files/").putHeader("Tus-Resumable", "1.0.0").putHeader("Upload-Length", "10")
              .bearerTokenAuthentication(credential).send());
      for (int i = 0; i < BURST; i++) {
        HttpResponse<Buffer> created = create.apply(i % 2 == 0 ? project.apiKey() : token);
        assertThat(created.statusCode()).as("upload %d: %s", i, created.bodyAsString()).isEqualTo(201);
        assertThat(created.getHeader("RateLimit-Remaining")).as("upload %d", i)
            .isEqualTo(Integer.toString(BURST - 1 - i));
      }
      for (String credential : List.of(project.apiKey(), token)) {
        HttpResponse<Buffer> refused = create.apply(credential);
        assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(429);
        assertThat(refused.bodyAsString()).contains("0.5 requests a second");
        assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 2);
        assertThat(refused.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
      }
      // One bucket for the key's API requests and its uploads.
      assertProblem(await(new ApiClient(mesh.clientVertx, port, project.apiKey()).get("/v1/jobs").send()), 429);
    } finally {
      Blocking.await(uploads.stop(), java.time.Duration.ofMinutes(1));
    }
  }

  @Test
  void aProjectWithALimitOfItsOwnGetsIt() {
    ApiClient edge = new ApiClient(mesh.clientVertx, firstPort, roomy.apiKey());
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> allowed = await(edge.get("/v1/assets").send());
      assertThat(allowed.statusCode()).as("request %d", i).isEqualTo(200);
      assertThat(allowed.getHeader("RateLimit-Limit")).isEqualTo("50");
    }
  }

  @Test
  void aRequestWithoutAValidKeyIsRefusedBeforeItCountsAgainstAnyBucket() {
    ApiClient nobody = new ApiClient(mesh.clientVertx, firstPort, "atl_not-a-key");
    for (int i = 0; i < BURST + 2; i++) {
      HttpResponse<Buffer> refused = await(nobody.get("/v1/jobs").send());
      assertProblem(refused, 401);
      assertThat(refused.getHeader("RateLimit-Limit")).isNull();
    }
  }
}
