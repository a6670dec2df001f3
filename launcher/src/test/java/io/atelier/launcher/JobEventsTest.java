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

/** GET /v1/jobs/{id}/events: live Server-Sent Events from the job's log, resumable with Last-Event-ID. */
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
  void aJobsStateChangesAndProgressStreamLiveUntilItFinishes(@TempDir Path dir) throws Exception {
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.longRecording(dir)));
    Stream stream = open(job, null);
    assertThat(stream.response.statusCode()).isEqualTo(200);
    assertThat(stream.response.getHeader("Content-Type")).startsWith("text/event-stream");
    List<Event> events = parse(stream.body());

    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    List<String> states = events.stream().filter(e -> e.type().equals("state")).map(e -> e.data().getString("state")).toList();
    assertThat(states).containsExactly("queued", "running", "succeeded");
    List<Event> progress = events.stream().filter(e -> e.type().equals("progress")).toList();
    assertThat(progress).as("a minute of speech reports its progress").isNotEmpty();
    assertThat(progress).extracting(e -> e.data().getDouble("progress")).isSorted().allMatch(p -> p > 0 && p < 1);
    assertThat(progress.get(0).data().getString("step")).isEqualTo("recognising speech");
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
    for (String block : body.split("\n\n")) {
      Long id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (id != null) {
        events.add(new Event(id, type, new JsonObject(data.toString())));
      }
    }
    return events;
  }

}
