package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobState;
import io.atelier.transcripts.WordErrorRate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The first path through the mesh, over HTTP: upload a recording to the edge (node A), submit a transcription job,
 * let the transcription verticle on node B run it, read the transcript back.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class TranscriptionPathTest {

  /** Vosk's small English model makes 4 errors in these 72 words (5.6 %); the bound leaves room, not slack. */
  static final double MAX_WORD_ERROR_RATE = 0.10;

  static TestMesh mesh;
  static ApiClient api;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
  }

  @Test
  void recordingsUploadedAtTheEdgeAreTranscribedOnAnotherNodeWithinTheWordErrorBound() throws Exception {
    LinkedBlockingQueue<JobEvent> eventsSeenOnEdgeNode = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = mesh.edgeNode.vertx().eventBus()
        .consumer(BusAddresses.JOB_EVENTS, m -> eventsSeenOnEdgeNode.add(JobEvent.fromJson(m.body())));
    await(consumer.completion());
    try {
      List<SpeechSamples.Sample> samples = SpeechSamples.librivox();
      assertThat(samples).hasSize(5);
      List<String> jobs = new ArrayList<>();
      for (SpeechSamples.Sample sample : samples) {
        jobs.add(api.submitTranscription(api.uploadAsset(sample.wav())));
      }
      int errors = 0;
      int referenceWords = 0;
      StringBuilder report = new StringBuilder();
      for (int i = 0; i < samples.size(); i++) {
        JsonObject job = api.awaitFinished(jobs.get(i), Duration.ofSeconds(120));
        assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
        assertThat(job.getInteger("attempts")).isEqualTo(1);
        assertThat(job.getString("startedAt")).isNotNull();
        assertThat(job.getString("finishedAt")).isNotNull();

        JsonObject transcript = transcript(jobs.get(i));
        assertWordsAreTimedInOrder(transcript.getJsonArray("words"), transcript.getDouble("durationSeconds"));
        List<String> reference = WordErrorRate.words(samples.get(i).reference());
        List<String> heard = WordErrorRate.words(transcript.getString("text"));
        int e = WordErrorRate.errors(reference, heard);
        errors += e;
        referenceWords += reference.size();
        report.append(String.format("%n  %s: %d errors in %d words: %s", samples.get(i).wav().getFileName(), e,
            reference.size(), transcript.getString("text")));
      }
      double wer = (double) errors / referenceWords;
      System.out.printf("word error rate over %d LibriVox clips: %d/%d = %.1f %%%s%n", samples.size(), errors,
          referenceWords, wer * 100, report);
      assertThat(wer).as("word error rate%s", report).isLessThanOrEqualTo(MAX_WORD_ERROR_RATE);

      // The worker on node B announced each success on the clustered bus, and node A heard it.
      List<String> succeeded = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!succeeded.containsAll(jobs) && System.nanoTime() < deadline) {
        JobEvent event = eventsSeenOnEdgeNode.poll(1, TimeUnit.SECONDS);
        if (event != null && event.state() == JobState.SUCCEEDED) {
          succeeded.add(event.jobId().toString());
        }
      }
      assertThat(succeeded).containsAll(jobs);
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void subtitlesComeBackAsSrtAndVtt() throws Exception {
    SpeechSamples.Sample sample = SpeechSamples.librivox().get(0);
    String job = api.submitTranscription(api.uploadAsset(sample.wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");

    HttpResponse<Buffer> srt = await(api.get("/v1/transcripts/" + job + ".srt").send());
    assertThat(srt.statusCode()).isEqualTo(200);
    assertThat(srt.getHeader("Content-Type")).startsWith("application/x-subrip");
    assertThat(srt.bodyAsString()).matches("(?s)1\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n.+\\n\\n.*");
    assertThat(srt.bodyAsString()).contains("dashwood");

    HttpResponse<Buffer> vtt = await(api.get("/v1/transcripts/" + job + ".vtt").send());
    assertThat(vtt.statusCode()).isEqualTo(200);
    assertThat(vtt.getHeader("Content-Type")).startsWith("text/vtt");
    assertThat(vtt.bodyAsString()).startsWith("WEBVTT\n\n").contains("dashwood")
        .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} --> \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");

    HttpResponse<Buffer> txt = await(api.get("/v1/transcripts/" + job + ".txt").send());
    assertThat(txt.bodyAsString().trim()).isEqualTo(transcript(job).getString("text"));
  }

  @Test
  void everyAcceptedFormatIsSniffedAndTranscribed(@TempDir Path dir) throws Exception {
    SpeechSamples.Sample sample = SpeechSamples.librivox().get(0);
    record Case(Path file, String contentType) {
    }
    List<Case> cases = List.of(
        new Case(SpeechSamples.convert(sample.wav(), dir.resolve("speech.mp3"), "-c:a", "libmp3lame"), "audio/mpeg"),
        new Case(SpeechSamples.convert(sample.wav(), dir.resolve("speech.ogg"), "-c:a", "libvorbis"), "audio/ogg"),
        new Case(SpeechSamples.convert(sample.wav(), dir.resolve("speech.flac"), "-c:a", "flac"), "audio/flac"),
        new Case(SpeechSamples.videoWithSpeech(sample.wav(), dir.resolve("speech.mp4")), "video/mp4"));
    List<String> jobs = new ArrayList<>();
    for (Case c : cases) {
      // A misleading name must not matter: the type comes from the bytes.
      Path renamed = Files.move(c.file(), dir.resolve("upload-" + jobs.size() + ".bin"));
      HttpResponse<Buffer> response = api.upload(renamed, "text/plain");
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
      JsonObject asset = response.bodyAsJsonObject();
      assertThat(asset.getString("contentType")).isEqualTo(c.contentType());
      assertThat(asset.getLong("sizeBytes")).isEqualTo(Files.size(renamed));
      assertThat(asset.getString("sha256")).isEqualTo(sha256(renamed));
      jobs.add(api.submitTranscription(asset.getString("id")));
    }
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject job = api.awaitFinished(jobs.get(i), Duration.ofSeconds(120));
      assertThat(job.getString("state")).as("%s: %s", cases.get(i).contentType(), job.encode()).isEqualTo("succeeded");
      List<String> heard = WordErrorRate.words(transcript(jobs.get(i)).getString("text"));
      List<String> reference = WordErrorRate.words(sample.reference());
      // Lossy codecs change the sound a little; the transcript may differ by a few words, no more.
      assertThat((double) WordErrorRate.errors(reference, heard) / reference.size())
          .as("%s heard %s", cases.get(i).contentType(), heard).isLessThanOrEqualTo(MAX_WORD_ERROR_RATE * 1.5);
    }
  }

  @Test
  void corruptAudioFailsTheJobWithAReasonAndTheWorkerLivesOn(@TempDir Path dir) throws Exception {
    byte[] corrupt = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(corrupt);
    System.arraycopy("fLaC".getBytes(), 0, corrupt, 0, 4);
    // The API refuses such a file (ffprobe cannot read it); one that went bad in storage after it was accepted fails
    // its job with the reason.
    String broken = api.submitTranscription(TestMesh.get().storeDamagedAsset(TestMesh.get().projectA.projectId(),
        corrupt, "audio/flac"));
    JsonObject failed = api.awaitFinished(broken, Duration.ofSeconds(60));
    assertThat(failed.getString("state")).isEqualTo("failed");
    assertThat(failed.getString("error")).startsWith("corrupt_media:").doesNotContain(dir.toString());
    // A verdict on the input is not retried: one attempt, recorded with its reason.
    assertThat(failed.getInteger("attempts")).isEqualTo(1);
    JsonArray history = await(api.get("/v1/jobs/" + broken).send()).bodyAsJsonObject().getJsonArray("history");
    assertThat(history).hasSize(1);
    assertThat(history.getJsonObject(0).getString("outcome")).isEqualTo("failed");
    assertThat(history.getJsonObject(0).getString("error")).startsWith("corrupt_media:");
    assertThat(history.getJsonObject(0).getString("worker")).isEqualTo(mesh.workerNode.node().workerName(
        io.atelier.contracts.JobKind.TRANSCRIPTION));
    ApiClient.assertProblem(await(api.get("/v1/transcripts/" + broken).send()), 409);

    String healthy = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(healthy, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
  }

  private static JsonObject transcript(String job) {
    HttpResponse<Buffer> response = await(api.get("/v1/transcripts/" + job).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject transcript = response.bodyAsJsonObject();
    assertThat(transcript.getString("jobId")).isEqualTo(job);
    assertThat(transcript.getString("engine")).isEqualTo("vosk");
    return transcript;
  }

  private static void assertWordsAreTimedInOrder(JsonArray words, double duration) {
    assertThat(words).isNotEmpty();
    double previousEnd = 0;
    for (int i = 0; i < words.size(); i++) {
      JsonObject word = words.getJsonObject(i);
      assertThat(word.getString("word")).isNotBlank();
      assertThat(word.getDouble("start")).isGreaterThanOrEqualTo(previousEnd - 0.01);
      assertThat(word.getDouble("end")).isGreaterThanOrEqualTo(word.getDouble("start")).isLessThanOrEqualTo(duration + 0.01);
      assertThat(word.getDouble("confidence")).isBetween(0.0, 1.0);
      previousEnd = word.getDouble("end");
    }
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
