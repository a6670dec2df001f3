package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A finished transcription becomes the collaborative document {@code transcript:{jobId}}; once people edit it, the
 * transcript the API serves, its subtitles and a later enrichment are the edited text, and the words the edit kept
 * keep the times they were recognised at.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class EditedTranscriptTest {

  @Test
  void anEditedTranscriptIsWhatTheApiServesAndEnrichesWithTheKeptWordsTimesUnchanged() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(0).wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(180)).getString("state")).isEqualTo("succeeded");
    JsonObject recognised = await(api.get("/v1/transcripts/" + job).send()).bodyAsJsonObject();
    assertThat(recognised.getBoolean("edited")).isFalse();
    String document = "transcript:" + job;
    assertThat(await(api.get("/v1/documents/" + document).send()).bodyAsJsonObject().getString("text"))
        .isEqualTo(recognised.getString("text"));

    String token = await(api.post("/v1/documents/" + document + "/tokens").sendJsonObject(new JsonObject()))
        .bodyAsJsonObject().getString("token");
    try (CollabTestClient editor = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, document, token)) {
      editor.awaitSynced();
      assertThat(editor.text()).isEqualTo(recognised.getString("text"));
      editor.insert(" zebra zebra zebra zebra zebra zebra ");
    }
    // y-websocket has no acknowledgement: the edit is in once the document's log holds it.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonObject edited = await(api.get("/v1/transcripts/" + job).send()).bodyAsJsonObject();
    while (!edited.getBoolean("edited") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      edited = await(api.get("/v1/transcripts/" + job).send()).bodyAsJsonObject();
    }
    assertThat(edited.getBoolean("edited")).isTrue();
    assertThat(edited.getString("text")).contains("zebra").contains(recognised.getString("text").trim());
    JsonArray words = edited.getJsonArray("words");
    assertThat(words.size()).isEqualTo(recognised.getJsonArray("words").size() + 6);
    Set<String> editedTimes = new HashSet<>();
    words.forEach(w -> editedTimes.add(((JsonObject) w).getString("word") + "@" + ((JsonObject) w).getDouble("start")));
    recognised.getJsonArray("words").forEach(w -> assertThat(editedTimes)
        .contains(((JsonObject) w).getString("word") + "@" + ((JsonObject) w).getDouble("start")));
    double previous = -1;
    for (int i = 0; i < words.size(); i++) {
      double start = words.getJsonObject(i).getDouble("start");
      assertThat(start).as("words in time order").isGreaterThanOrEqualTo(previous);
      previous = start;
    }
    assertThat(await(api.get("/v1/transcripts/" + job + ".srt").send()).bodyAsString()).contains("zebra");
    assertThat(await(api.get("/v1/transcripts/" + job + ".vtt").send()).bodyAsString()).startsWith("WEBVTT")
        .contains("zebra");
    assertThat(await(api.get("/v1/transcripts/" + job + ".txt").send()).bodyAsString())
        .isEqualTo(edited.getString("text") + "\n");

    String enrichment = await(api.post("/v1/jobs").sendJsonObject(new JsonObject().put("type", "enrichment")
        .put("assetId", recognised.getString("assetId")).put("params", new JsonObject().put("transcriptJobId", job))))
        .bodyAsJsonObject().getString("id");
    assertThat(api.awaitFinished(enrichment, Duration.ofSeconds(60)).getString("state")).isEqualTo("succeeded");
    JsonObject insights = await(api.get("/v1/enrichments/" + enrichment).send()).bodyAsJsonObject();
    assertThat(insights.getJsonArray("keywords").encode()).contains("zebra");
  }
}
