package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /v1/jobs/{id}/events: live Server-Sent Events from the job's log, resumable with Last-Event-ID. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class JobEventsTest {

  static TestMesh mesh;
  static ApiClient api;

  record Event(long id, String type, JsonObject data) {
  }

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
  }

  @Test
  void aJobsStateChangesAndProgressArriveWhileItRunsAndTheStreamEndsWithTheJob(@TempDir Path dir) throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.longRecording(dir)));
    try (LiveEventStream stream = live(job, null)) {
      stream.awaitEvent(LiveEventStream.state("running"), Duration.ofSeconds(60));
      LiveEventStream.Arrived progress = stream.awaitEvent(e -> e.type().equals("progress"), Duration.ofSeconds(60));
      assertThat(progress.data().getString("step")).matches("recognising speech: \\d+ of \\d+ chunks done");
      assertThat(state(job)).as("the progress event arrived while the job ran").isEqualTo("running");
      List<LiveEventStream.Arrived> events = stream.readToEnd(Duration.ofSeconds(120));
      assertThat(stream.ended()).as("the stream ends after the job's final state").isTrue();

      assertThat(events).extracting(LiveEventStream.Arrived::id).isSorted().doesNotHaveDuplicates();
      assertThat(events.stream().filter(e -> e.type().equals("state")).map(e -> e.data().getString("state")))
          .containsExactly("queued", "running", "succeeded");
      List<Double> fractions = events.stream().filter(e -> e.type().equals("progress"))
          .map(e -> e.data().getDouble("progress")).toList();
      assertThat(fractions).as("a minute of speech reports its progress").hasSizeGreaterThan(1).isSorted()
          .allMatch(p -> p > 0 && p < 1);
      // The whole log, read again after the end, is what arrived live: nothing was left out or added.
      assertThat(parse(open(job, null).body())).extracting(Event::id)
          .isEqualTo(events.stream().map(LiveEventStream.Arrived::id).toList());
    }
  }

  @Test
  void aStreamCutOffWhileItsJobRunsResumesAfterItsLastEventIdWithNothingLostOrRepeated(@TempDir Path dir)
      throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.longRecording(dir)));
    long lastId;
    List<Long> firstPart;
    try (LiveEventStream stream = live(job, null)) {
      lastId = stream.awaitEvent(e -> e.type().equals("progress"), Duration.ofSeconds(60)).id();
      firstPart = stream.seen().stream().map(LiveEventStream.Arrived::id).toList();
    }
    assertThat(state(job)).as("cut off mid-run").isEqualTo("running");
    try (LiveEventStream resumed = live(job, Long.toString(lastId))) {
      List<Long> rest = resumed.readToEnd(Duration.ofSeconds(120)).stream().map(LiveEventStream.Arrived::id).toList();
      assertThat(rest).isNotEmpty().allMatch(id -> id > lastId);
      List<Long> whole = new ArrayList<>(firstPart);
      whole.addAll(rest);
      assertThat(parse(open(job, null).body())).extracting(Event::id).isEqualTo(whole);
    }
  }

  @Test
  void aStreamResumesAfterItsLastEventId() throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
    List<Event> all = parse(open(job, null).body());
    assertThat(all.size()).isGreaterThanOrEqualTo(3);

    long resumeAfter = all.get(0).id();
    List<Event> rest = parse(open(job, Long.toString(resumeAfter)).body());
    assertThat(rest).isEqualTo(all.subList(1, all.size()));
    List<Event> none = parse(open(job, Long.toString(all.get(all.size() - 1).id())).body());
    assertThat(none).isEmpty();
  }

  @Test
  void streamsAreScopedAndValidated() throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertProblem(await(mesh.client(mesh.projectB.apiKey()).get("/v1/jobs/" + job + "/events").send()), 404);
    assertProblem(await(api.get("/v1/jobs/" + UUID.randomUUID() + "/events").send()), 404);
    JsonObject problem = assertProblem(await(api.get("/v1/jobs/" + job + "/events").putHeader("Last-Event-ID", "abc").send()), 400);
    assertThat(problem.getString("field")).isEqualTo("Last-Event-ID");
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
  }

  record Stream(HttpResponse<Buffer> response, String body) {
  }

  private static LiveEventStream live(String job, String lastEventId) {
    return LiveEventStream.open(mesh.clientVertx, mesh.edgePort, mesh.projectA.apiKey(), "/v1/jobs/" + job + "/events",
        lastEventId);
  }

  private static String state(String job) {
    return await(api.get("/v1/jobs/" + job).send()).bodyAsJsonObject().getString("state");
  }

  private static Stream open(String job, String lastEventId) {
    HttpResponse<Buffer> response = openEvents(api, "/v1/jobs/" + job + "/events", lastEventId);
    return new Stream(response, response.bodyAsString() == null ? "" : response.bodyAsString());
  }

  /**
   * Reads an event stream that ends by itself, whole. The web client takes the body as the response arrives, so a
   * stream the server ends at once is not missed.
   */
  static HttpResponse<Buffer> openEvents(ApiClient client, String path, String lastEventId) {
    var request = client.get(path).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.putHeader("Last-Event-ID", lastEventId);
    }
    return await(request.send());
  }

  /** Parses a text/event-stream body (comments skipped), as an EventSource would. */
  static List<Event> parse(String body) {
    List<Event> events = new ArrayList<>();
    for (String text : body.split("\n\n")) {
      LiveEventStream.Block block = LiveEventStream.block(text);
      if (block.id() != null) {
        events.add(new Event(block.id(), block.type(), block.data()));
      }
    }
    return events;
  }

}
