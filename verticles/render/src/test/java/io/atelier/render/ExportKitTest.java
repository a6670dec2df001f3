package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.EnrichmentRepository;
import io.atelier.jobs.JobControl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export kit of a real video: its manifest checked against the files the zip holds, each read back. */
class ExportKitTest {

  @TempDir
  Path work;

  private final ExportKit kit = new ExportKit(new Transcode(TestMedia.ffmpeg()), new Thumbnail(TestMedia.ffmpeg()),
      new Peaks(TestMedia.ffmpeg()));

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void theManifestSaysWhatEachFileIsWithItsSizeSha256AndDuration() throws Exception {
    Path video = TestMedia.videoWithBlackOpening(Files.createDirectories(work.resolve("media")));
    EnrichmentRepository.StoredEnrichment enrichment = new EnrichmentRepository.StoredEnrichment(UUID.randomUUID(),
        UUID.randomUUID(), BurnedInTest.TRANSCRIPT.jobId(), new JsonArray().add(new JsonObject().put("text", "hello")),
        "A greeting and a farewell.", new JsonArray());
    MediaRenderer.Input probed = TestMedia.input(video, work.resolve("scratch"), new JsonObject());
    JsonObject params = new JsonObject().put("transcodes", new JsonArray().add("mp3").add("opus"));
    List<MediaRenderer.Output> outputs = kit.render(new MediaRenderer.Input(probed.media(), probed.info(),
        probed.scratch(), params, "My talk.mp4", BurnedInTest.TRANSCRIPT, enrichment), JobControl.detached());

    assertThat(outputs).singleElement().satisfies(o -> {
      assertThat(o.name()).isEqualTo("kit.zip");
      assertThat(o.contentType()).isEqualTo("application/zip");
    });
    try (ZipFile zip = new ZipFile(outputs.get(0).path().toFile())) {
      Map<String, byte[]> files = new HashMap<>();
      Map<String, Integer> methods = new HashMap<>();
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(entry)) {
          files.put(entry.getName(), in.readAllBytes());
        }
        methods.put(entry.getName(), entry.getMethod());
      }
      JsonObject manifest = new JsonObject(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
      assertThat(manifest.getString("transcriptJobId")).isEqualTo(BurnedInTest.TRANSCRIPT.jobId().toString());
      assertThat(manifest.getString("enrichmentJobId")).isEqualTo(enrichment.jobId().toString());
      assertThat(manifest.getString("originalFilename")).isEqualTo("My talk.mp4");
      JsonArray listed = manifest.getJsonArray("files");
      assertThat(listed.stream().map(f -> ((JsonObject) f).getString("path")).toList()).containsExactlyInAnyOrder(
          "original/My talk.mp4", "transcodes/media.mp3", "transcodes/media.opus", "thumbnail.jpg",
          "peaks/peaks.json", "peaks/peaks.dat", "transcript/transcript.json", "transcript/transcript.srt",
          "transcript/transcript.vtt", "transcript/transcript.txt", "enrichment.json");
      assertThat(files.keySet()).as("the zip holds the manifest and exactly what it lists")
          .hasSize(listed.size() + 1);
      for (Object item : listed) {
        JsonObject file = (JsonObject) item;
        byte[] bytes = files.get(file.getString("path"));
        assertThat(bytes).as(file.getString("path")).isNotNull();
        assertThat((long) bytes.length).as("size of %s", file.getString("path")).isEqualTo(file.getLong("sizeBytes"));
        assertThat(sha256(bytes)).as("sha256 of %s", file.getString("path")).isEqualTo(file.getString("sha256"));
        if (file.containsKey("durationSeconds")) {
          Path copy = work.resolve("check-" + Path.of(file.getString("path")).getFileName());
          Files.write(copy, bytes);
          double probedSeconds = Double.parseDouble(TestMedia.ffprobe(copy).getJsonObject("format")
              .getString("duration"));
          assertThat(file.getDouble("durationSeconds")).as("duration of %s", file.getString("path"))
              .isCloseTo(probedSeconds, Percentage.withPercentage(0.1))
              .isCloseTo(6.0, Percentage.withPercentage(1));
          assertThat(methods.get(file.getString("path"))).as("media is stored as it is").isEqualTo(ZipEntry.STORED);
        }
      }
      assertThat(files.get("original/My talk.mp4")).isEqualTo(Files.readAllBytes(video));
      assertThat(new String(files.get("transcript/transcript.srt"), StandardCharsets.UTF_8))
          .startsWith("1\n00:00:01,000 --> 00:00:02,400\nHello there, friends.\n");
      assertThat(new String(files.get("transcript/transcript.txt"), StandardCharsets.UTF_8))
          .isEqualTo(BurnedInTest.TRANSCRIPT.text() + "\n");
      assertThat(new JsonObject(new String(files.get("enrichment.json"), StandardCharsets.UTF_8))
          .getString("summary")).isEqualTo("A greeting and a farewell.");
      assertThat(methods.get("transcript/transcript.json")).isEqualTo(ZipEntry.DEFLATED);
    }
  }
}
