package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus 1.0.0 at {@code /files/} as raw HTTP speaks it, against node A's edge (which serves the upload verticle of its
 * node): chunks, tails and parts, checksums, the errors the protocol names, refusal of what is not media, and a PATCH
 * cut short. The real tus-js-client plays its scenarios in {@link TusClientScenariosTest}.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class TusUploadTest {

  private static final int MIB = 1 << 20;

  @TempDir
  static Path folder;
  /** A minute of 48 kHz stereo: about 11 MiB, so it takes two whole 5 MiB parts and a last smaller one. */
  static byte[] minute;

  @BeforeAll
  static void makeMedia() throws Exception {
    Path wav = folder.resolve("minute.wav");
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=440:duration=60", "-ac", "2", "-ar", "48000", wav.toString()).redirectErrorStream(true).start();
    String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).as(output).isTrue();
    minute = Files.readAllBytes(wav);
  }

  private static ApiClient api() throws Exception {
    return TestMesh.get().client(TestMesh.get().projectA.apiKey());
  }

  private static HttpRequest<Buffer> tus(ApiClient api, HttpMethod method, String path) {
    return api.request(method, path).putHeader("Tus-Resumable", "1.0.0");
  }

  private static String create(ApiClient api, long length, String metadata) {
    HttpRequest<Buffer> post = tus(api, HttpMethod.POST, "/files/").putHeader("Upload-Length", Long.toString(length));
    if (metadata != null) {
      post.putHeader("Upload-Metadata", metadata);
    }
    HttpResponse<Buffer> created = await(post.send());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.getHeader("Upload-Expires")).isNotBlank();
    return created.getHeader("Location");
  }

  private static HttpResponse<Buffer> patch(ApiClient api, String url, long offset, byte[] body, String checksum) {
    HttpRequest<Buffer> patch = tus(api, HttpMethod.PATCH, url).putHeader("Upload-Offset", Long.toString(offset))
        .putHeader("Content-Type", "application/offset+octet-stream");
    if (checksum != null) {
      patch.putHeader("Upload-Checksum", checksum);
    }
    return await(patch.sendBuffer(Buffer.buffer(body)));
  }

  private static long offset(ApiClient api, String url) {
    HttpResponse<Buffer> head = await(tus(api, HttpMethod.HEAD, url).send());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("Cache-Control")).isEqualTo("no-store");
    return Long.parseLong(head.getHeader("Upload-Offset"));
  }

  private static String digest(String algorithm, byte[] bytes) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(bytes));
  }

  @Test
  void aFileSentInChunksBecomesAnAssetWithItsHashAndMedia() throws Exception {
    ApiClient api = api();
    String url = create(api, minute.length, "filename " + Base64.getEncoder().encodeToString(
        "minute.wav".getBytes(StandardCharsets.UTF_8)) + ",flag");
    assertThat(url).startsWith("/files/");
    // 3 MiB chunks: tails that the next PATCH continues, parts cut across PATCHes, one chunk with a checksum.
    long offset = 0;
    HttpResponse<Buffer> last = null;
    for (int chunk = 0; offset < minute.length; chunk++) {
      byte[] body = Arrays.copyOfRange(minute, (int) offset, (int) Math.min(minute.length, offset + 3L * MIB));
      last = patch(api, url, offset, body, chunk == 1 ? "sha1 " + digest("SHA-1", body) : null);
      assertThat(last.statusCode()).as(last.bodyAsString()).isEqualTo(204);
      offset += body.length;
      assertThat(Long.parseLong(last.getHeader("Upload-Offset"))).isEqualTo(offset);
      assertThat(offset(api, url)).isEqualTo(offset);
      if (offset < minute.length) {
        // The expiration extension: every PATCH answer of an unfinished upload says when it now expires.
        assertThat(last.getHeader("Upload-Expires")).as("PATCH %d", chunk).isNotBlank()
            .isEqualTo(await(tus(api, HttpMethod.HEAD, url).send()).getHeader("Upload-Expires"));
      }
    }
    assertThat(last.getHeader("Upload-Expires")).as("a complete upload does not expire").isNull();
    String assetId = last.getHeader("Atelier-Asset-Id");
    assertThat(assetId).isNotBlank();
    JsonObject asset = await(api.get("/v1/assets/" + assetId).send()).bodyAsJsonObject();
    assertThat(asset.getString("sha256")).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(minute)));
    assertThat(asset.getLong("sizeBytes")).isEqualTo(minute.length);
    assertThat(asset.getString("contentType")).isEqualTo("audio/wav");
    assertThat(asset.getString("filename")).isEqualTo("minute.wav");
    assertThat(asset.getJsonObject("media").getDouble("durationSeconds")).isBetween(59.9, 60.1);
    assertThat(asset.getJsonObject("media").getJsonArray("streams").getJsonObject(0).getInteger("channels"))
        .isEqualTo(2);
    JsonObject upload = await(api.get("/v1/uploads/" + url.substring("/files/".length())).send()).bodyAsJsonObject();
    assertThat(upload.getString("state")).isEqualTo("complete");
    assertThat(upload.getString("assetId")).isEqualTo(assetId);
    HttpResponse<Buffer> head = await(tus(api, HttpMethod.HEAD, url).send());
    assertThat(head.getHeader("Upload-Offset")).isEqualTo(Long.toString(minute.length));
    assertThat(head.getHeader("Upload-Metadata").split(",")).containsExactlyInAnyOrder("flag",
        "filename " + Base64.getEncoder().encodeToString("minute.wav".getBytes(StandardCharsets.UTF_8)));
    String metrics = await(api.unauthenticated("/metrics").send()).bodyAsString();
    assertThat(metrics).contains("atelier_uploads_in_flight").contains("atelier_uploads_completed_total")
        .contains("atelier_uploads_received_bytes_total");
    // The whole file in one PATCH, through node B's edge (node B's upload verticle), with a sha256 checksum.
    ApiClient b = TestMesh.get().clientOfNodeB(TestMesh.get().projectA.apiKey());
    String again = create(b, minute.length, null);
    HttpResponse<Buffer> whole = patch(b, again, 0, minute, "sha256 " + digest("SHA-256", minute));
    assertThat(whole.statusCode()).as(whole.bodyAsString()).isEqualTo(204);
    assertThat(await(b.get("/v1/assets/" + whole.getHeader("Atelier-Asset-Id")).send()).bodyAsJsonObject()
        .getString("sha256")).isEqualTo(asset.getString("sha256"));
  }

  @Test
  void aBodyThatFailsItsChecksumIsDiscardedWhole() throws Exception {
    ApiClient api = api();
    String url = create(api, minute.length, null);
    byte[] body = Arrays.copyOfRange(minute, 0, 6 * MIB);
    HttpResponse<Buffer> wrong = patch(api, url, 0, body, "sha1 " + digest("SHA-1", "something else".getBytes()));
    assertThat(wrong.statusCode()).isEqualTo(460);
    assertThat(wrong.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(offset(api, url)).isZero();
    assertThat(patch(api, url, 0, body, "md5 " + digest("MD5", body)).statusCode()).isEqualTo(204);
    assertThat(offset(api, url)).isEqualTo(6 * MIB);
    assertThat(patch(api, url, 6L * MIB, new byte[10], "crc32 AAAA").statusCode()).isEqualTo(400);
  }

  @Test
  void theProtocolsErrorsAreAnsweredAsItNamesThem() throws Exception {
    ApiClient api = api();
    HttpResponse<Buffer> options = await(api.request(HttpMethod.OPTIONS, "/files/").send());
    assertThat(options.statusCode()).isEqualTo(204);
    assertThat(options.getHeader("Tus-Version")).isEqualTo("1.0.0");
    assertThat(options.getHeader("Tus-Extension").split(",")).contains("creation", "creation-with-upload",
        "creation-defer-length", "termination", "checksum", "expiration");
    assertThat(options.getHeader("Tus-Checksum-Algorithm").split(",")).contains("sha1", "sha256");
    assertThat(Long.parseLong(options.getHeader("Tus-Max-Size"))).isPositive();

    String url = create(api, 100, null);
    HttpResponse<Buffer> oldVersion = await(api.request(HttpMethod.PATCH, url).putHeader("Tus-Resumable", "0.2.2")
        .putHeader("Upload-Offset", "0").putHeader("Content-Type", "application/offset+octet-stream")
        .sendBuffer(Buffer.buffer(new byte[10])));
    assertThat(oldVersion.statusCode()).isEqualTo(412);
    assertThat(oldVersion.getHeader("Tus-Version")).isEqualTo("1.0.0");
    HttpResponse<Buffer> wrongType = await(tus(api, HttpMethod.PATCH, url).putHeader("Upload-Offset", "0")
        .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[10])));
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(patch(api, url, 7, new byte[10], null).statusCode()).isEqualTo(409);
    assertThat(patch(api, url, 0, new byte[101], null).statusCode()).isEqualTo(400);
    assertThat(offset(api, url)).isZero();
    assertThat(await(tus(api, HttpMethod.HEAD, "/files/" + java.util.UUID.randomUUID()).send()).statusCode())
        .isEqualTo(404);
    assertThat(await(tus(api, HttpMethod.HEAD, "/files/not-an-id").send()).statusCode()).isEqualTo(404);
    assertThat(await(tus(api, HttpMethod.POST, "/files/").send()).statusCode()).isEqualTo(400);
    assertThat(await(tus(api, HttpMethod.POST, "/files/").putHeader("Upload-Length", "10")
        .putHeader("Upload-Metadata", "bad key value").send()).statusCode()).isEqualTo(400);
    assertThat(await(tus(api, HttpMethod.POST, "/files/").putHeader("Upload-Length", Long.toString(1L << 50))
        .send()).statusCode()).isEqualTo(413);
    HttpResponse<Buffer> anonymous = await(TestMesh.get().client(null).request(HttpMethod.HEAD, url)
        .putHeader("Tus-Resumable", "1.0.0").send());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    // Another project's key does not find it.
    ApiClient other = TestMesh.get().client(TestMesh.get().projectB.apiKey());
    assertThat(await(tus(other, HttpMethod.HEAD, url).send()).statusCode()).isEqualTo(404);
  }

  @Test
  void bytesThatAreNotMediaAreRefusedWhenTheUploadCompletes() throws Exception {
    ApiClient api = api();
    byte[] noise = new byte[64 * 1024];
    new Random(3).nextBytes(noise);
    String url = create(api, noise.length, "filename " + Base64.getEncoder().encodeToString("noise.wav".getBytes()));
    HttpResponse<Buffer> refused = patch(api, url, 0, noise, null);
    assertThat(refused.statusCode()).isEqualTo(415);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("not a supported media format");
    JsonObject upload = await(api.get("/v1/uploads/" + url.substring("/files/".length())).send()).bodyAsJsonObject();
    assertThat(upload.getString("state")).isEqualTo("failed");
    assertThat(upload.getString("error")).contains("not a supported media format");
    assertThat(await(tus(api, HttpMethod.HEAD, url).send()).statusCode()).isEqualTo(410);

    // A WAV header with nothing after it: the sniffer takes it for audio, ffprobe does not.
    byte[] header = Arrays.copyOf(minute, 44);
    String headerOnly = create(api, header.length, null);
    HttpResponse<Buffer> empty = patch(api, headerOnly, 0, header, null);
    assertThat(empty.statusCode()).isEqualTo(415);
    assertThat(empty.bodyAsJsonObject().getString("detail")).contains("looks like audio/wav but");
  }

  @Test
  void aTerminatedUploadIsGoneAndADeferredLengthIsDeclaredLater() throws Exception {
    ApiClient api = api();
    String url = create(api, minute.length, null);
    assertThat(patch(api, url, 0, Arrays.copyOf(minute, MIB), null).statusCode()).isEqualTo(204);
    assertThat(await(tus(api, HttpMethod.DELETE, url).send()).statusCode()).isEqualTo(204);
    assertThat(await(tus(api, HttpMethod.HEAD, url).send()).statusCode()).isEqualTo(410);
    assertThat(patch(api, url, MIB, new byte[10], null).statusCode()).isEqualTo(410);

    HttpResponse<Buffer> created = await(tus(api, HttpMethod.POST, "/files/").putHeader("Upload-Defer-Length", "1")
        .send());
    assertThat(created.statusCode()).isEqualTo(201);
    String deferred = created.getHeader("Location");
    HttpResponse<Buffer> head = await(tus(api, HttpMethod.HEAD, deferred).send());
    assertThat(head.getHeader("Upload-Defer-Length")).isEqualTo("1");
    assertThat(head.getHeader("Upload-Length")).isNull();
    assertThat(patch(api, deferred, 0, Arrays.copyOf(minute, 7 * MIB), null).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> last = await(tus(api, HttpMethod.PATCH, deferred).putHeader("Upload-Offset",
            Long.toString(7L * MIB)).putHeader("Upload-Length", Integer.toString(minute.length))
        .putHeader("Content-Type", "application/offset+octet-stream")
        .sendBuffer(Buffer.buffer(Arrays.copyOfRange(minute, 7 * MIB, minute.length))));
    assertThat(last.statusCode()).as(last.bodyAsString()).isEqualTo(204);
    assertThat(last.getHeader("Atelier-Asset-Id")).isNotBlank();
  }

  @Test
  void aPatchCutShortKeepsWhatArrivedAndTheUploadResumesFromThere() throws Exception {
    ApiClient api = api();
    TestMesh mesh = TestMesh.get();
    String url = create(api, minute.length, null);
    int sent = 6 * MIB + 12345;
    NetClient net = mesh.clientVertx.createNetClient();
    NetSocket socket = await(net.connect(mesh.edgePort, "127.0.0.1"));
    String head = "PATCH " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer "
        + mesh.projectA.apiKey() + "\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
        + "Content-Length: " + minute.length + "\r\n\r\n";
    await(socket.write(Buffer.buffer(head.getBytes(StandardCharsets.US_ASCII))));
    await(socket.write(Buffer.buffer(Arrays.copyOf(minute, sent))));
    Thread.sleep(500);
    await(socket.close());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long offset = offset(api, url);
    while (offset != sent && System.nanoTime() < deadline) {
      Thread.sleep(50);
      offset = offset(api, url);
    }
    assertThat(offset).as("every byte that arrived is kept").isEqualTo(sent);
    HttpResponse<Buffer> rest = patch(api, url, offset, Arrays.copyOfRange(minute, sent, minute.length), null);
    assertThat(rest.statusCode()).as(rest.bodyAsString()).isEqualTo(204);
    assertThat(await(api.get("/v1/assets/" + rest.getHeader("Atelier-Asset-Id")).send()).bodyAsJsonObject()
        .getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(minute)));
  }

  @Test
  void anUploadPastItsExpiryIsEndedAndItsPartsDeleted() throws Exception {
    ApiClient api = api();
    TestMesh mesh = TestMesh.get();
    String url = create(api, minute.length, null);
    assertThat(patch(api, url, 0, Arrays.copyOf(minute, 6 * MIB), null).statusCode()).isEqualTo(204);
    java.util.UUID id = java.util.UUID.fromString(url.substring("/files/".length()));
    await(mesh.pool.preparedQuery("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id)));
    assertThat(await(tus(api, HttpMethod.HEAD, url).send()).statusCode()).as("expired, not yet cleaned").isEqualTo(410);
    io.atelier.storage.ObjectStorage storage = io.atelier.storage.ObjectStorage.create(mesh.clientVertx,
        io.atelier.storage.S3Config.from(mesh.edgeConfig));
    try {
      // Held by a PATCH that is still sending (its lease is live), it is left to that PATCH.
      await(mesh.pool.preparedQuery("UPDATE uploads SET lease_token = gen_random_uuid(), "
          + "lease_until = now() + interval '1 minute' WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id)));
      await(new io.atelier.upload.ExpiredUploads(mesh.pool, storage).clean());
      assertThat(await(mesh.pool.preparedQuery("SELECT state FROM uploads WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getString("state")).isEqualTo("receiving");
      await(mesh.pool.preparedQuery("UPDATE uploads SET lease_until = now() - interval '1 second' WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(id)));
      assertThat(await(new io.atelier.upload.ExpiredUploads(mesh.pool, storage).clean())).isGreaterThanOrEqualTo(1);
      // (Whether the multipart upload's parts are gone the embedded S3 server does not tell: it takes parts for any
      // upload id. MinIO and AWS refuse them once the upload is aborted.)
      var row = await(mesh.pool.preparedQuery("SELECT state, tail_key FROM uploads WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next();
      assertThat(row.getString("state")).isEqualTo("expired");
      assertThat(await(storage.exists(row.getString("tail_key")))).as("the tail is deleted").isFalse();
    } finally {
      storage.close();
    }
    assertThat(await(tus(api, HttpMethod.HEAD, url).send()).statusCode()).isEqualTo(410);
  }

  @Test
  void thePipelineItsMetadataNamesStartsOnceTheUploadIsAnAsset() throws Exception {
    ApiClient api = api();
    byte[] speech = Files.readAllBytes(SpeechSamples.librivox().get(0).wav());
    String pipeline = "pipeline " + Base64.getEncoder().encodeToString("transcription,enrichment".getBytes());
    String url = create(api, speech.length, pipeline);
    HttpResponse<Buffer> done = patch(api, url, 0, speech, null);
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(204);
    String pipelineId = done.getHeader("Atelier-Pipeline-Id");
    assertThat(pipelineId).isNotBlank();
    JsonObject upload = await(api.get("/v1/uploads/" + url.substring("/files/".length())).send()).bodyAsJsonObject();
    assertThat(upload.getString("pipelineId")).isEqualTo(pipelineId);
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    JsonObject state = await(api.get("/v1/pipelines/" + pipelineId).send()).bodyAsJsonObject();
    while (!state.getString("state").matches("succeeded|failed|cancelled") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      state = await(api.get("/v1/pipelines/" + pipelineId).send()).bodyAsJsonObject();
    }
    assertThat(state.getString("state")).as(state.encode()).isEqualTo("succeeded");

    for (String bad : new String[] {"telepathy", "enrichment", "noop"}) {
      HttpResponse<Buffer> refused = await(tus(api, HttpMethod.POST, "/files/").putHeader("Upload-Length", "100")
          .putHeader("Upload-Metadata", "pipeline " + Base64.getEncoder().encodeToString(bad.getBytes())).send());
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("detail")).as(bad).contains("pipeline");
    }
  }

  @Test
  void aBrowserUploadsWithAShortLivedTokenInsteadOfTheKey() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = api();
    HttpResponse<Buffer> issued = await(api.post("/v1/uploads/tokens").sendJsonObject(new JsonObject()
        .put("ttlSeconds", 600)));
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    assertThat(issued.bodyAsJsonObject().getString("endpoint")).isEqualTo("/files/");
    ApiClient browser = mesh.client(issued.bodyAsJsonObject().getString("token"));
    byte[] speech = Files.readAllBytes(SpeechSamples.librivox().get(1).wav());
    String url = create(browser, speech.length, null);
    HttpResponse<Buffer> done = patch(browser, url, 0, speech, null);
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(204);
    // The asset is the key's project's: the API key sees it.
    assertThat(await(api.get("/v1/assets/" + done.getHeader("Atelier-Asset-Id")).send()).statusCode()).isEqualTo(200);
    // The token opens /files/ only, and a collaboration token does not open /files/.
    assertThat(await(browser.get("/v1/assets").send()).statusCode()).isEqualTo(401);
    String collab = await(api.post("/v1/documents/notes/tokens").sendJsonObject(new JsonObject())).bodyAsJsonObject()
        .getString("token");
    HttpResponse<Buffer> wrongAudience = await(tus(mesh.client(collab), HttpMethod.POST, "/files/")
        .putHeader("Upload-Length", "10").send());
    assertThat(wrongAudience.statusCode()).isEqualTo(401);
    assertThat(wrongAudience.bodyAsJsonObject().getString("detail")).contains("upload token is not valid");
  }

  @Test
  void aProjectsOwnLimitsAreKeptWithClearErrors() throws Exception {
    TestMesh mesh = TestMesh.get();
    int port = io.atelier.embedded.FreePorts.pick();
    MeshNode node = mesh.startAnotherNode("limited-uploads", port, config -> config.getJsonObject("upload")
        .put("projects", new JsonObject().put(mesh.projectB.projectId().toString(), new JsonObject()
            .put("maxBytes", 4096).put("allowedTypes", new io.vertx.core.json.JsonArray().add("video/*")))),
        java.util.EnumSet.of(VerticleName.EDGE, VerticleName.UPLOAD));
    try {
      ApiClient limited = new ApiClient(mesh.clientVertx, port, mesh.projectB.apiKey());
      HttpResponse<Buffer> tooLarge = await(tus(limited, HttpMethod.POST, "/files/").putHeader("Upload-Length", "5000")
          .send());
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(tooLarge.bodyAsJsonObject().getString("detail")).contains("4096");
      HttpResponse<Buffer> declared = await(tus(limited, HttpMethod.POST, "/files/").putHeader("Upload-Length", "100")
          .putHeader("Upload-Metadata", "filetype " + Base64.getEncoder().encodeToString("audio/wav".getBytes()))
          .send());
      assertThat(declared.statusCode()).isEqualTo(415);
      assertThat(declared.bodyAsJsonObject().getString("detail")).contains("video/*");
      // A WAV that says nothing of its type: refused on its bytes.
      byte[] small = Arrays.copyOf(minute, 2048);
      String url = create(limited, small.length, null);
      HttpResponse<Buffer> refused = patch(limited, url, 0, small, null);
      assertThat(refused.statusCode()).isEqualTo(415);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains("audio/wav").contains("video/*");
      // Deferred lengths are held to the limit too.
      HttpResponse<Buffer> deferred = await(tus(limited, HttpMethod.POST, "/files/").putHeader("Upload-Defer-Length",
          "1").send());
      assertThat(patch(limited, deferred.getHeader("Location"), 0, new byte[5000], null).statusCode()).isEqualTo(413);
      // Another project through the same node keeps the defaults.
      ApiClient unlimited = new ApiClient(mesh.clientVertx, port, mesh.projectA.apiKey());
      String other = create(unlimited, 5000, null);
      assertThat(offset(unlimited, other)).isZero();
    } finally {
      Blocking.await(node.stop(), Duration.ofMinutes(1));
    }
  }

  @Test
  void anEdgeWithoutUploadRelaysFilesToAnUploadNode() throws Exception {
    TestMesh mesh = TestMesh.get();
    int port = io.atelier.embedded.FreePorts.pick();
    MeshNode edgeOnly = mesh.startAnotherNode("edge-without-upload", port, config -> { },
        java.util.EnumSet.of(VerticleName.EDGE));
    try {
      ApiClient relayed = new ApiClient(mesh.clientVertx, port, mesh.projectA.apiKey());
      String url = create(relayed, minute.length, null);
      byte[] first = Arrays.copyOf(minute, 6 * MIB);
      assertThat(patch(relayed, url, 0, first, "sha1 " + digest("SHA-1", first)).statusCode()).isEqualTo(204);
      assertThat(offset(relayed, url)).isEqualTo(6 * MIB);
      HttpResponse<Buffer> done = patch(relayed, url, 6L * MIB, Arrays.copyOfRange(minute, 6 * MIB, minute.length),
          null);
      assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(204);
      assertThat(done.getHeader("Atelier-Asset-Id")).isNotBlank();
      assertThat(patch(relayed, url, 0, new byte[1], null).statusCode()).isEqualTo(409);
    } finally {
      Blocking.await(edgeOnly.stop(), Duration.ofMinutes(1));
    }
  }
}
