package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.launcher.JobEventsTest.Event;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The render kinds through the mesh: submitted as jobs with no params at all, their files listed with presigned
 * links a client fetches without a key, progress on the job's event stream, bad params refused at submission,
 * unusable input failing with ffmpeg's reason, cancellation killing ffmpeg, and the worker's concurrency bounding
 * its ffmpeg processes. The media is made at test time by ffmpeg and espeak-ng.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class RenderKindsTest {

  private static final int CONCURRENCY = 2;

  @TempDir
  static Path media;
  static TestMesh mesh;
  static ApiClient api;
  static WebClient plain;
  static String renderDeployment;
  static Path workDirectory;
  static String video;
  static String speech;

  @BeforeAll
  static void startRender() throws Exception {
    mesh = TestMesh.get();
    api = mesh.client(mesh.projectA.apiKey());
    plain = WebClient.create(mesh.clientVertx);
    JsonObject config = mesh.workerConfig.copy();
    config.getJsonObject("render").put("concurrency", CONCURRENCY);
    workDirectory = Path.of(config.getJsonObject("render").getString("workDirectory"));
    renderDeployment = await(mesh.workerNode.vertx().deployVerticle(VerticleName.RENDER.create(mesh.workerNode.node()),
        new DeploymentOptions().setConfig(config)));
    video = api.uploadAsset(generate(media.resolve("clip.mp4"), "testsrc2=s=640x360:r=25:d=20",
        "sine=f=330:d=20:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest"));
    Path wav = media.resolve("speech.wav");
    run("espeak-ng", "-w", wav.toString(), "A render worker turns one recording into the shapes people post.");
    speech = api.uploadAsset(wav);
  }

  @AfterAll
  static void stopRender() {
    if (renderDeployment != null) {
      await(mesh.workerNode.vertx().undeploy(renderDeployment));
    }
    plain.close();
  }

  private static Path generate(Path target, String videoSource, String audioSource, String... options)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
        "-i", videoSource, "-f", "lavfi", "-i", audioSource));
    command.addAll(List.of(options));
    command.add(target.toString());
    run(command.toArray(String[]::new));
    return target;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    return output;
  }

  private static String submit(String kind, String asset, JsonObject params) {
    JsonObject body = new JsonObject().put("type", kind).put("assetId", asset);
    if (params != null) {
      body.put("params", params);
    }
    HttpResponse<Buffer> response = api.submit(body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject finished(String job) throws InterruptedException {
    return api.awaitFinished(job, Duration.ofSeconds(120));
  }

  /** The ffmpeg processes working in the render worker's folder (every one of its runs does). */
  private static List<ProcessHandle> renderFfmpegs() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("ffmpeg") && c.contains(workDirectory.toString()))
            .orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "thumbnail, thumbnail.jpg, image/jpeg",
      "peaks, peaks.json, application/json",
      "transcode, media.mp3, audio/mpeg",
      "render, waveform.png, image/png"})
  void everyKindRunsWithNoParamsAndListsItsFilesWithDownloadLinks(String kind, String file, String contentType)
      throws Exception {
    String job = submit(kind, video, null);
    JsonObject done = finished(job);
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("succeeded");

    HttpResponse<Buffer> listed = await(api.get("/v1/renders/" + job).send());
    assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(200);
    JsonObject entry = listed.bodyAsJsonObject().getJsonObject("files").getJsonObject(file);
    assertThat(entry).as("%s in %s", file, listed.bodyAsString()).isNotNull();
    assertThat(entry.getString("contentType")).isEqualTo(contentType);
    assertThat(entry.getString("url")).isEqualTo("/v1/renders/" + job + "/" + file);
    assertThat(entry.getString("expiresAt")).isNotBlank();
    // The presigned link is fetched as a browser or a CLI would: no API key.
    HttpResponse<Buffer> download = await(plain.getAbs(entry.getString("downloadUrl")).send());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat((long) download.body().length()).isEqualTo(entry.getLong("sizeBytes")).isPositive();
  }

  @Test
  void peaksReadByWaveformDataAsPeaksJsReadsThem() throws Exception {
    String job = submit("peaks", speech, new JsonObject().put("samplesPerPixel", 512));
    assertThat(finished(job).getString("state")).isEqualTo("succeeded");
    JsonObject files = await(api.get("/v1/renders/" + job).send()).bodyAsJsonObject().getJsonObject("files");
    Path json = media.resolve(job + ".json");
    Path dat = media.resolve(job + ".dat");
    Files.write(json, await(plain.getAbs(files.getJsonObject("peaks.json").getString("downloadUrl")).send())
        .body().getBytes());
    Files.write(dat, await(plain.getAbs(files.getJsonObject("peaks.dat").getString("downloadUrl")).send())
        .body().getBytes());

    NodeScripts.Result read = NodeScripts.node(NodeScripts.RENDER, Duration.ofSeconds(60), "read-peaks.mjs",
        json.toString(), dat.toString());
    assertThat(read.exit()).as(read.text()).isZero();
    JsonObject fromJson = new JsonObject(read.output().get(read.output().size() - 2));
    JsonObject fromBinary = new JsonObject(read.output().get(read.output().size() - 1));
    // espeak-ng speaks at 22,050 Hz, in one channel; 8 bits by default.
    assertThat(fromJson.getInteger("sampleRate")).isEqualTo(22_050);
    assertThat(fromJson.getInteger("scale")).isEqualTo(512);
    assertThat(fromJson.getInteger("bits")).isEqualTo(8);
    assertThat(fromJson.getInteger("channels")).isEqualTo(1);
    double seconds = Double.parseDouble(run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
        "csv=p=0", media.resolve("speech.wav").toString()).strip());
    assertThat(fromJson.getInteger("length")).isEqualTo((int) Math.ceil(seconds * 22_050 / 512));
    JsonObject samePoints = fromJson.copy().put("file", "binary");
    assertThat(fromBinary).as("the binary file holds the JSON file's points").isEqualTo(samePoints);
    JsonArray max = fromJson.getJsonArray("data").getJsonObject(0).getJsonArray("max");
    assertThat(max.stream().mapToInt(v -> (Integer) v).max().orElseThrow()).as("loudest peak").isGreaterThan(30);
  }

  @Test
  void progressOfAnFfmpegRunIsOnTheJobsEventStream() throws Exception {
    String job = submit("transcode", video, new JsonObject().put("preset", "webm"));
    assertThat(finished(job).getString("state")).isEqualTo("succeeded");

    List<Event> events = JobEventsTest.parse(JobEventsTest.openEvents(api, "/v1/jobs/" + job + "/events", null)
        .bodyAsString());
    List<Double> progress = events.stream().filter(e -> e.type().equals("progress"))
        .map(e -> e.data().getDouble("progress")).toList();
    assertThat(progress).as("progress events of a 20 s WebM encode").isNotEmpty().isSorted()
        .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
  }

  @Test
  void badParamsAreRefusedAtSubmissionNamingThem() {
    record Bad(String kind, JsonObject params, String field) {
    }
    for (Bad bad : List.of(
        new Bad("transcode", new JsonObject().put("preset", "flac"), "params.preset"),
        new Bad("transcode", new JsonObject().put("loudnes", true), "params.loudnes"),
        new Bad("transcode", new JsonObject().put("loudnorm", "yes"), "params.loudnorm"),
        new Bad("peaks", new JsonObject().put("bits", 12), "params.bits"),
        new Bad("peaks", new JsonObject().put("samplesPerPixel", 1), "params.samplesPerPixel"),
        new Bad("thumbnail", new JsonObject().put("format", "gif"), "params.format"),
        new Bad("thumbnail", new JsonObject().put("time", -1), "params.time"),
        new Bad("thumbnail", new JsonObject().put("width", 100_000), "params.width"))) {
      JsonObject problem = assertProblem(api.submit(new JsonObject().put("type", bad.kind()).put("assetId", video)
          .put("params", bad.params())), 400);
      assertThat(problem.getString("field")).as("%s %s", bad.kind(), bad.params()).isEqualTo(bad.field());
      assertThat(problem.getString("detail")).startsWith(bad.field() + " ");
    }
    JsonObject inPipeline = assertProblem(await(api.post("/v1/pipelines").sendJsonObject(new JsonObject()
        .put("assetId", video).put("steps", new JsonArray().add("thumbnail")
            .add(new JsonObject().put("type", "transcode").put("params", new JsonObject().put("preset", "ogg")))))),
        400);
    assertThat(inPipeline.getString("field")).isEqualTo("steps[1].params.preset");
  }

  @Test
  void unusableInputFailsTheJobWithAReasonAndFfmpegsErrorLines() throws Exception {
    JsonObject videoOfAudio = finished(submit("transcode", speech, new JsonObject().put("preset", "mp4")));
    assertThat(videoOfAudio.getString("state")).isEqualTo("failed");
    assertThat(videoOfAudio.getString("error")).startsWith("invalid_input: preset mp4 makes a video");
    assertThat(videoOfAudio.getInteger("attempts")).as("not worth retrying").isEqualTo(1);

    // The stored file rots after its upload was checked: ffmpeg's own words say why the render failed.
    String rotten = api.uploadAsset(media.resolve("speech.wav"));
    String key = await(mesh.pool.preparedQuery("SELECT storage_key FROM assets WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(rotten)))).iterator().next().getString("storage_key");
    ObjectStorage storage = ObjectStorage.create(mesh.clientVertx, S3Config.from(mesh.edgeConfig));
    try {
      byte[] garbage = new byte[20_000];
      new java.util.Random(3).nextBytes(garbage);
      await(storage.putBytes(key, garbage, "audio/wav"));
    } finally {
      storage.close();
    }
    String corruptJob = submit("transcode", rotten, null);
    JsonObject corrupt = finished(corruptJob);
    assertThat(corrupt.getString("state")).isEqualTo("failed");
    assertNoScratchLeftOf(List.of(corruptJob));
    assertThat(corrupt.getString("error")).startsWith("corrupt_media: ffmpeg could not transcode to mp3 (exit")
        .contains("Invalid data found when processing input")
        .doesNotContain(workDirectory.toString());
  }

  @Test
  void cancellingARunningRenderKillsItsFfmpegAtOnce() throws Exception {
    // WebM (VP9) at this size takes several seconds: long enough to be caught running.
    String job = submit("transcode", video, new JsonObject().put("preset", "webm"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (renderFfmpegs().stream().noneMatch(p -> p.info().commandLine().orElse("").contains(job))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(renderFfmpegs()).as("ffmpeg running the job").anyMatch(p -> p.info().commandLine().orElse("")
        .contains(job));
    long asked = System.nanoTime();
    HttpResponse<Buffer> cancel = await(api.post("/v1/jobs/" + job + "/cancel").send());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(202);

    assertThat(finished(job).getString("state")).isEqualTo("cancelled");
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("from cancel to cancelled")
        .isLessThan(Duration.ofSeconds(3));
    assertThat(renderFfmpegs()).as("ffmpeg processes of the cancelled job")
        .noneMatch(p -> p.info().commandLine().orElse("").contains(job));
    assertNoScratchLeftOf(List.of(job));
  }

  @Test
  void theWorkerRunsAsManyFfmpegProcessesAsItsConcurrencyAndNoMore() throws Exception {
    List<String> jobs = new ArrayList<>();
    for (String kind : List.of("transcode", "thumbnail", "peaks", "transcode", "transcode", "peaks")) {
      jobs.add(submit(kind, video, kind.equals("transcode") ? new JsonObject().put("preset", "mp4") : null));
    }
    AtomicInteger most = new AtomicInteger();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (watching.get()) {
        most.accumulateAndGet(renderFfmpegs().size(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    watcher.start();
    try {
      for (String job : jobs) {
        assertThat(finished(job).getString("state")).isEqualTo("succeeded");
      }
    } finally {
      watching.set(false);
      watcher.join();
    }
    assertThat(most.get()).as("most ffmpeg processes at once").isEqualTo(CONCURRENCY);
    assertNoScratchLeftOf(jobs);
  }

  /** Every attempt's folder is removed when it ends, however it ended. */
  private static void assertNoScratchLeftOf(List<String> jobs) throws IOException {
    Path folders = workDirectory.resolve("jobs");
    if (!Files.isDirectory(folders)) {
      return;
    }
    try (var left = Files.list(folders)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("attempt folders left")
          .noneMatch(name -> jobs.stream().anyMatch(name::startsWith));
    }
  }

  private static JsonObject awaitPipeline(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    JsonObject pipeline = await(api.get("/v1/pipelines/" + id).send()).bodyAsJsonObject();
    while (List.of("queued", "running").contains(pipeline.getString("state")) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      pipeline = await(api.get("/v1/pipelines/" + id).send()).bodyAsJsonObject();
    }
    return pipeline;
  }

  private static JsonObject renderFile(String job, String file) {
    JsonObject files = await(api.get("/v1/renders/" + job).send()).bodyAsJsonObject().getJsonObject("files");
    assertThat(files.getJsonObject(file)).as("%s of render %s: %s", file, job, files.encode()).isNotNull();
    return files.getJsonObject(file);
  }

  private static Path download(String job, String file) throws IOException {
    Path target = media.resolve(job + "-" + file);
    Files.write(target, await(plain.getAbs(renderFile(job, file).getString("downloadUrl")).send()).body().getBytes());
    return target;
  }

  private static JsonObject probe(Path file) throws Exception {
    return new JsonObject(run("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        file.toString()));
  }

  private static double seconds(JsonObject probed) {
    return Double.parseDouble(probed.getJsonObject("format").getString("duration"));
  }

  private static JsonObject videoStream(JsonObject probed) {
    return probed.getJsonArray("streams").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("codec_type").equals("video")).findFirst().orElseThrow();
  }

  private static Map<String, byte[]> unzip(Path zip) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
        try (var in = archive.getInputStream(entry)) {
          files.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return files;
  }

  @Test
  void transcriptKindsRunAsPipelineStepsAfterTranscriptionWithNoParams() throws Exception {
    HttpResponse<Buffer> created = await(api.post("/v1/pipelines").sendJsonObject(new JsonObject()
        .put("assetId", speech).put("steps", new JsonArray().add("transcription").add("subtitled-video")
            .add("audiogram").add("export-kit"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    JsonObject pipeline = awaitPipeline(created.bodyAsJsonObject().getString("id"));
    assertThat(pipeline.getString("state")).as(pipeline.encodePrettily()).isEqualTo("succeeded");
    List<String> jobs = pipeline.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("jobId"))
        .toList();
    double spoken = seconds(probe(media.resolve("speech.wav")));

    JsonObject subtitled = probe(download(jobs.get(1), "subtitled.mp4"));
    assertThat(videoStream(subtitled).getString("codec_name")).isEqualTo("h264");
    assertThat(videoStream(subtitled).getInteger("width")).isEqualTo(1920);
    assertThat(videoStream(subtitled).getInteger("height")).isEqualTo(1080);
    assertThat(seconds(subtitled)).isCloseTo(spoken, Percentage.withPercentage(1));

    JsonObject audiogram = probe(download(jobs.get(2), "audiogram.mp4"));
    assertThat(videoStream(audiogram).getInteger("width")).isEqualTo(1080);
    assertThat(videoStream(audiogram).getInteger("height")).isEqualTo(1080);
    assertThat(seconds(audiogram)).isCloseTo(spoken, Percentage.withPercentage(1));

    Map<String, byte[]> kit = unzip(download(jobs.get(3), "kit.zip"));
    JsonObject manifest = new JsonObject(new String(kit.get("manifest.json"), StandardCharsets.UTF_8));
    assertThat(manifest.getString("transcriptJobId")).isEqualTo(jobs.get(0));
    assertThat(manifest.getValue("enrichmentJobId")).as("no enrichment step, none in the kit").isNull();
    assertThat(kit).containsKeys("original/speech.wav", "transcodes/media.mp3", "thumbnail.png", "peaks/peaks.dat",
        "transcript/transcript.srt");
    assertThat(new String(kit.get("transcript/transcript.srt"), StandardCharsets.UTF_8))
        .isEqualTo(await(api.get("/v1/transcripts/" + jobs.get(0) + ".srt").send()).bodyAsString());
  }

  @Test
  void aTranscriptKindFindsTheAssetsTranscriptAsEditedOrSaysThereIsNone() throws Exception {
    Path wav = media.resolve("unheard.wav");
    run("espeak-ng", "-w", wav.toString(), "Nobody has transcribed this recording yet.");
    String asset = api.uploadAsset(wav);
    JsonObject none = finished(submit("subtitled-video", asset, null));
    assertThat(none.getString("state")).isEqualTo("failed");
    assertThat(none.getString("error")).startsWith("not_found: a subtitled-video job uses a transcript")
        .contains("has no succeeded transcription");
    JsonObject inPipeline = assertProblem(await(api.post("/v1/pipelines").sendJsonObject(new JsonObject()
        .put("assetId", asset).put("steps", new JsonArray().add("audiogram")))), 400);
    assertThat(inPipeline.getString("field")).isEqualTo("steps[0].type");
    assertThat(await(api.post("/v1/pipelines").sendJsonObject(new JsonObject().put("assetId", asset)
        .put("steps", new JsonArray().add(new JsonObject().put("type", "audiogram")
            .put("params", new JsonObject().put("subtitles", false)))))).statusCode())
        .as("an audiogram without subtitles needs no transcript").isEqualTo(202);

    String transcription = api.submitTranscription(asset);
    assertThat(finished(transcription).getString("state")).isEqualTo("succeeded");
    String document = "transcript:" + transcription;
    String token = await(api.post("/v1/documents/" + document + "/tokens").sendJsonObject(new JsonObject()))
        .bodyAsJsonObject().getString("token");
    try (CollabTestClient editor = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, document, token)) {
      editor.awaitSynced();
      editor.insert(" Zebras");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!await(api.get("/v1/transcripts/" + transcription).send()).bodyAsJsonObject().getBoolean("edited")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    // No params: the asset's latest transcript, as edited.
    String kitJob = submit("export-kit", asset, new JsonObject().put("transcodes", new JsonArray()));
    assertThat(finished(kitJob).getString("state")).isEqualTo("succeeded");
    Map<String, byte[]> kit = unzip(download(kitJob, "kit.zip"));
    assertThat(new String(kit.get("transcript/transcript.txt"), StandardCharsets.UTF_8)).contains("Zebras");
    assertThat(kit.keySet()).noneMatch(name -> name.startsWith("transcodes/"));
  }
}
