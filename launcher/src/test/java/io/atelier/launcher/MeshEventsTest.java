package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state change reaches the bus at once, wherever it is made: a change made through node A's edge arrives on an
 * event stream served by node B's edge well before the streams' 10-second safety poll could have found it.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class MeshEventsTest {

  /** The figure the mesh promises: from the answer to the event on another node's stream. */
  static final Duration AT_ONCE = Duration.ofMillis(200);

  static TestMesh mesh;
  static ApiClient nodeA;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    nodeA = mesh.client(mesh.projectA.apiKey());
  }

  @Test
  void submittingCancellingRetryingAndResumingOnOneNodeReachStreamsOnAnotherAtOnce() throws Exception {
    String asset = nodeA.uploadAsset(SpeechSamples.librivox().get(4).wav());
    // The first round warms both nodes up (code paths, connections); the second is the one measured.
    round(asset);
    Map<String, Duration> figures = round(asset);
    figures.forEach((what, took) -> System.out.printf("%-36s %4d ms%n", what, took.toMillis()));
    assertThat(figures).allSatisfy((what, took) -> assertThat(took).as(what).isLessThan(AT_ONCE));
  }

  @Test
  void aRunningTranscriptionCancelledThroughOneNodeStopsOnTheWorkerNodeWithinASecond(@TempDir Path dir)
      throws Exception {
    String job = nodeA.submitTranscription(nodeA.uploadAsset(SpeechSamples.longRecording(dir)));
    try (LiveEventStream stream = streamOnNodeB("/v1/jobs/" + job + "/events", null)) {
      // Recognition is under way: the recording has been decoded and its chunks are with the recogniser threads.
      stream.awaitEvent(e -> e.type().equals("progress"), Duration.ofSeconds(60));
      long cancelled = answeredAt(nodeA.post("/v1/jobs/" + job + "/cancel"));
      LiveEventStream.Arrived stopped = stream.awaitEvent(LiveEventStream.state("cancelled"), Duration.ofSeconds(30));
      Duration took = Duration.ofNanos(stopped.arrivedNanos() - cancelled);
      System.out.printf("running transcription cancelled -> stopped   %4d ms%n", took.toMillis());
      // The worker commits the cancellation once its handler has stopped; its lease renews only every 10 s.
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
  }

  /** One of each transition, timed from the answer on node A to the event on a stream of node B. */
  private Map<String, Duration> round(String asset) throws Exception {
    Map<String, Duration> took = new LinkedHashMap<>();
    // Noop jobs: no worker of the test mesh runs them, so they stay queued until told otherwise.
    HttpResponse<Buffer> created = ApiClient.await(nodeA.post("/v1/jobs")
        .sendJsonObject(new JsonObject().put("type", "noop").put("assetId", asset)));
    long submitted = System.nanoTime();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String job = created.bodyAsJsonObject().getString("id");
    try (LiveEventStream stream = streamOnNodeB("/v1/jobs/" + job + "/events", null)) {
      took.put("POST /v1/jobs -> queued", since(submitted, stream.awaitEvent(LiveEventStream.state("queued"),
          Duration.ofSeconds(5))));
      long cancelled = answeredAt(nodeA.post("/v1/jobs/" + job + "/cancel"));
      took.put("POST /cancel -> cancelled (open stream)", since(cancelled,
          stream.awaitEvent(LiveEventStream.state("cancelled"), Duration.ofSeconds(15))));
    }
    long lastId = lastEventId("/v1/jobs/" + job + "/events");
    long retried = answeredAt(nodeA.post("/v1/jobs/" + job + "/retry"));
    try (LiveEventStream stream = streamOnNodeB("/v1/jobs/" + job + "/events", Long.toString(lastId))) {
      took.put("POST /retry -> queued", since(retried, stream.awaitEvent(LiveEventStream.state("queued"),
          Duration.ofSeconds(5))));
    }
    answeredAt(nodeA.post("/v1/jobs/" + job + "/cancel"));

    HttpResponse<Buffer> pipeline = ApiClient.await(nodeA.post("/v1/pipelines")
        .sendJsonObject(new JsonObject().put("assetId", asset).put("steps", new JsonArray().add("noop"))));
    assertThat(pipeline.statusCode()).as(pipeline.bodyAsString()).isEqualTo(202);
    String id = pipeline.bodyAsJsonObject().getString("id");
    String events = "/v1/events?pipeline=" + id;
    try (LiveEventStream stream = streamOnNodeB(events, null)) {
      long cancelled = answeredAt(nodeA.post("/v1/pipelines/" + id + "/cancel"));
      took.put("POST pipeline /cancel -> cancelled", since(cancelled, stream.awaitEvent(
          e -> e.type().equals("pipeline") && e.data().getString("state").equals("cancelled"), Duration.ofSeconds(15))));
    }
    long pipelineLastId = lastEventId(events);
    long resumed = answeredAt(nodeA.post("/v1/pipelines/" + id + "/resume"));
    try (LiveEventStream stream = streamOnNodeB(events, Long.toString(pipelineLastId))) {
      took.put("POST pipeline /resume -> running", since(resumed, stream.awaitEvent(
          e -> e.type().equals("pipeline") && e.data().getString("state").equals("running"), Duration.ofSeconds(5))));
    }
    answeredAt(nodeA.post("/v1/pipelines/" + id + "/cancel"));
    return took;
  }

  private static LiveEventStream streamOnNodeB(String path, String lastEventId) {
    return LiveEventStream.open(mesh.clientVertx, mesh.edgePortB, mesh.projectA.apiKey(), path, lastEventId);
  }

  /** Sends the request and returns the moment its answer arrived, failing unless it was accepted. */
  private static long answeredAt(io.vertx.ext.web.client.HttpRequest<Buffer> request) {
    HttpResponse<Buffer> response = await(request.send());
    long at = System.nanoTime();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return at;
  }

  private static Duration since(long answeredNanos, LiveEventStream.Arrived event) {
    return Duration.ofNanos(event.arrivedNanos() - answeredNanos);
  }

  private static long lastEventId(String path) {
    List<JobEventsTest.Event> all = JobEventsTest.parse(JobEventsTest.openEvents(nodeA, path, null).bodyAsString());
    return all.get(all.size() - 1).id();
  }
}
