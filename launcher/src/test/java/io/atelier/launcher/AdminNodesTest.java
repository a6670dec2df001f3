package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository;
import io.atelier.embedded.FreePorts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Nodes answer for themselves on the bus; the edge gathers them for admins at /v1/admin/nodes. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class AdminNodesTest {

  static TestMesh mesh;
  static ApiClient admin;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    admin = mesh.client(mesh.projectA.apiKey());
  }

  @Test
  void everyNodeOfTheMeshIsListedWithWhatItRunsAndWhetherItIsReady() {
    JsonArray nodes = nodes();
    JsonObject a = byId(nodes, mesh.edgeNode.node().id());
    JsonObject b = byId(nodes, mesh.workerNode.node().id());
    assertThat(a.getJsonArray("verticles")).containsExactly("edge", "collab", "upload");
    assertThat(b.getJsonArray("verticles")).containsExactly("edge", "collab", "transcription", "enrichment",
        "upload");
    for (JsonObject node : List.of(a, b)) {
      assertThat(node.getString("state")).isEqualTo("ready");
      assertThat(node.getBoolean("ready")).isTrue();
      assertThat(node.getString("version")).isNotBlank();
      assertThat(node.getString("startedAt")).isNotBlank();
    }
    assertThat(a.getJsonObject("jobsInFlight")).isEmpty();
    assertThat(b.getJsonObject("jobsInFlight").fieldNames()).containsExactlyInAnyOrder("transcription", "enrichment");
    HttpResponse<Buffer> one = await(admin.get("/v1/admin/nodes/" + mesh.workerNode.node().id()).send());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.bodyAsJsonObject().getString("nodeId")).isEqualTo(mesh.workerNode.node().id());
    assertProblem(await(admin.get("/v1/admin/nodes/no-such-node").send()), 404);
  }

  @Test
  void onlyAdminKeysSeeTheNodes() {
    String member = Blocking.await(new ApiKeyRepository(mesh.pool).createKey(mesh.projectA.projectId(), "ops",
        ApiKeyRepository.Role.MEMBER), Duration.ofSeconds(30)).apiKey();
    JsonObject problem = assertProblem(await(mesh.client(member).get("/v1/admin/nodes").send()), 403);
    assertThat(problem.getString("detail")).contains("admin");
    assertProblem(await(mesh.client(member).post("/v1/admin/nodes/" + mesh.edgeNode.node().id() + "/drain").send()),
        403);
    assertProblem(await(mesh.client(null).unauthenticated("/v1/admin/nodes").send()), 401);
  }

  @Test
  void aNodeAskedToDrainTurnsNotReadyClosesConnectionsEndsStreamsWithARetryHintAndLeavesTheList() throws Exception {
    JsonObject config = mesh.configOfAnotherNode("c");
    int edgePort = FreePorts.pick();
    config.getJsonObject("edge").put("port", edgePort);
    config.put("metrics", new JsonObject().put("enabled", false));
    config.put("drain", new JsonObject().put("delaySeconds", 2).put("graceSeconds", 5));
    MeshNode third = Blocking.await(MeshNode.start(config, EnumSet.of(VerticleName.EDGE, VerticleName.ENRICHMENT)),
        Duration.ofMinutes(2));
    ApiClient thirdEdge = new ApiClient(mesh.clientVertx, edgePort, mesh.projectA.apiKey());
    try {
      String id = third.node().id();
      JsonObject listed = awaitList(nodes -> nodes.stream().anyMatch(n -> ((JsonObject) n).getString("nodeId").equals(id)));
      assertThat(byId(listed.getJsonArray("nodes"), id).getJsonArray("verticles")).containsExactly("edge", "enrichment");
      assertThat(await(thirdEdge.unauthenticated("/health/ready").send()).statusCode()).isEqualTo(200);
      // A stream open on the node when it drains: a queued job no worker of the test mesh runs (noop).
      String asset = admin.uploadAsset(SpeechSamples.librivox().get(4).wav());
      String job = admin.submit(new JsonObject().put("type", "noop").put("assetId", asset)).bodyAsJsonObject()
          .getString("id");
      LiveEventStream stream = LiveEventStream.open(mesh.clientVertx, edgePort, mesh.projectA.apiKey(),
          "/v1/jobs/" + job + "/events", null);
      long queuedId = stream.awaitEvent(LiveEventStream.state("queued"), Duration.ofSeconds(10)).id();

      HttpResponse<Buffer> drained = await(admin.post("/v1/admin/nodes/" + id + "/drain").send());
      assertThat(drained.statusCode()).as(drained.bodyAsString()).isEqualTo(202);
      assertThat(drained.bodyAsJsonObject().getString("state")).isEqualTo("draining");
      assertThat(drained.bodyAsJsonObject().getBoolean("ready")).isFalse();
      // While load balancers take it out, it still serves, but no longer keeps connections.
      HttpResponse<Buffer> ready = await(thirdEdge.unauthenticated("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(ready.bodyAsJsonObject().getString("state")).isEqualTo("draining");
      HttpResponse<Buffer> served = await(thirdEdge.get("/v1/jobs/" + job).send());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.getHeader("Connection")).isEqualTo("close");

      Blocking.await(third.stopped(), Duration.ofSeconds(60));
      stream.readToEnd(Duration.ofSeconds(10));
      assertThat(stream.ended()).as("the stream ended with the node").isTrue();
      assertThat(stream.retryMillis()).as("with a hint to reconnect soon").isNotNull().isLessThanOrEqualTo(1_000L);
      stream.close();
      awaitList(nodes -> nodes.stream().noneMatch(n -> ((JsonObject) n).getString("nodeId").equals(id)));
      // The client reconnects elsewhere and resumes after the last event it had.
      try (LiveEventStream resumed = LiveEventStream.open(mesh.clientVertx, mesh.edgePort, mesh.projectA.apiKey(),
          "/v1/jobs/" + job + "/events", Long.toString(queuedId))) {
        await(admin.post("/v1/jobs/" + job + "/cancel").send());
        assertThat(resumed.awaitEvent(LiveEventStream.state("cancelled"), Duration.ofSeconds(10)).id())
            .isGreaterThan(queuedId);
        assertThat(resumed.seen()).extracting(LiveEventStream.Arrived::id).allMatch(eventId -> eventId > queuedId);
      }
    } finally {
      Blocking.await(third.stop(), Duration.ofSeconds(60));
    }
  }

  private static JsonArray nodes() {
    HttpResponse<Buffer> response = await(admin.get("/v1/admin/nodes").send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("nodes");
  }

  private static JsonObject awaitList(Predicate<JsonArray> until) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonArray nodes;
    do {
      nodes = nodes();
      if (until.test(nodes)) {
        return new JsonObject().put("nodes", nodes);
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the node list never got there: " + nodes.encodePrettily());
  }

  private static JsonObject byId(JsonArray nodes, String id) {
    return nodes.stream().map(n -> (JsonObject) n).filter(n -> n.getString("nodeId").equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("node " + id + " is not listed: " + nodes.encodePrettily()));
  }
}
