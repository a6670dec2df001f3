package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every way a request can be wrong gets a precise application/problem+json answer and changes nothing. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class ApiErrorsTest {

  static TestMesh mesh;
  static ApiClient projectA;
  static ApiClient projectB;
  static String assetOfA;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = TestMesh.get();
    projectA = mesh.client(mesh.projectA.apiKey());
    projectB = mesh.client(mesh.projectB.apiKey());
    assetOfA = projectA.uploadAsset(SpeechSamples.librivox().get(1).wav());
  }

  @Test
  void aRequestWithoutAKeyIsUnauthorised() {
    JsonObject problem = assertProblem(await(mesh.client(null).get("/v1/jobs/" + UUID.randomUUID()).send()), 401);
    assertThat(problem.getString("detail")).contains("Authorization");
  }

  @Test
  void aWrongOrMalformedKeyIsUnauthorised() {
    assertProblem(await(mesh.client("atl_not-a-real-key").get("/v1/assets/" + assetOfA).send()), 401);
    HttpResponse<Buffer> basic = await(mesh.client(null).get("/v1/assets/" + assetOfA)
        .putHeader("Authorization", "Basic dXNlcjpwYXNz").send());
    assertProblem(basic, 401);
    assertThat(basic.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertProblem(await(mesh.client(null).get("/v1/assets/" + assetOfA).putHeader("Authorization", "Bearer ").send()), 401);
  }

  @Test
  void anUnauthorisedUploadStoresNothing(@TempDir Path dir) throws Exception {
    long before = count("assets");
    Path file = Files.copy(SpeechSamples.librivox().get(1).wav(), dir.resolve("a.wav"));
    assertProblem(mesh.client("atl_wrong").upload(file, "audio/wav"), 401);
    assertThat(count("assets")).isEqualTo(before);
  }

  @Test
  void anotherProjectsAssetsJobsAndTranscriptsAreNotFound() throws Exception {
    String jobOfA = projectA.submitTranscription(assetOfA);
    assertProblem(await(projectB.get("/v1/assets/" + assetOfA).send()), 404);
    assertProblem(await(projectB.get("/v1/jobs/" + jobOfA).send()), 404);
    assertProblem(await(projectB.get("/v1/transcripts/" + jobOfA).send()), 404);
    assertProblem(await(projectB.get("/v1/transcripts/" + jobOfA + ".srt").send()), 404);
    long jobs = count("jobs");
    assertProblem(projectB.submit(new JsonObject().put("type", "transcription").put("assetId", assetOfA)), 404);
    assertThat(count("jobs")).isEqualTo(jobs);
    // Project A still sees its own.
    assertThat(await(projectA.get("/v1/jobs/" + jobOfA).send()).statusCode()).isEqualTo(200);
    assertThat(await(projectA.get("/v1/assets/" + assetOfA).send()).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownIdsAreNotFound() {
    assertProblem(await(projectA.get("/v1/jobs/" + UUID.randomUUID()).send()), 404);
    assertProblem(await(projectA.get("/v1/jobs/not-a-uuid").send()), 404);
    assertProblem(await(projectA.get("/v1/assets/" + UUID.randomUUID()).send()), 404);
    assertProblem(await(projectA.get("/v1/transcripts/" + UUID.randomUUID()).send()), 404);
    assertProblem(await(projectA.get("/v1/transcripts/" + UUID.randomUUID() + ".vtt").send()), 404);
    assertProblem(await(projectA.get("/v1/nothing-here").send()), 404);
    assertProblem(projectA.submit(new JsonObject().put("type", "transcription").put("assetId", UUID.randomUUID().toString())), 404);
  }

  @Test
  void aTranscriptInAnUnknownFormatIsNotFound() {
    String job = projectA.submitTranscription(assetOfA);
    JsonObject problem = assertProblem(await(projectA.get("/v1/transcripts/" + job + ".docx").send()), 404);
    assertThat(problem.getString("detail")).contains("docx");
  }

  @Test
  void nonMediaBytesAreUnsupportedWhateverTheirName(@TempDir Path dir) throws Exception {
    long before = count("assets");
    Path text = Files.writeString(dir.resolve("speech.wav"), "this is not audio, just text pretending to be a wav\n");
    JsonObject problem = assertProblem(projectA.upload(text, "audio/wav"), 415);
    assertThat(problem.getString("detail")).contains("text/plain");
    Path png = Files.write(dir.resolve("song.mp3"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
    assertProblem(projectA.upload(png, "audio/mpeg"), 415);
    assertThat(count("assets")).isEqualTo(before);
  }

  @Test
  void anUploadWithoutAFileFieldOrMultipartBodyIsRejected(@TempDir Path dir) throws Exception {
    Path wav = Files.copy(SpeechSamples.librivox().get(1).wav(), dir.resolve("a.wav"));
    HttpResponse<Buffer> wrongField = await(projectA.post("/v1/assets").sendMultipartForm(MultipartForm.create()
        .binaryFileUpload("media", "a.wav", wav.toString(), "audio/wav")));
    assertThat(assertProblem(wrongField, 400).getString("field")).isEqualTo("file");
    assertProblem(await(projectA.post("/v1/assets").sendJsonObject(new JsonObject().put("file", "x"))), 415);
    Path empty = Files.write(dir.resolve("empty.wav"), new byte[0]);
    assertThat(assertProblem(projectA.upload(empty, "audio/wav"), 400).getString("field")).isEqualTo("file");
  }

  /** A multipart body whose closing boundary never comes (its Content-Length ends first) is answered, promptly. */
  @Test
  void aTruncatedMultipartBodyIsAnsweredAndLeavesNothing() throws Exception {
    TestMesh mesh = TestMesh.get();
    long before = count("assets");
    Path spool = Path.of(mesh.edgeConfig.getJsonObject("edge").getString("uploadsDirectory"));
    long spooled = spooledFiles(spool);
    byte[] wav = Files.readAllBytes(SpeechSamples.librivox().get(1).wav());
    String boundary = "----atelier-truncated";
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int bodyLength = head.length + wav.length / 2;
    io.vertx.core.net.NetSocket socket = await(mesh.clientVertx.createNetClient().connect(mesh.edgePort,
        "127.0.0.1"));
    io.vertx.core.Promise<String> answer = io.vertx.core.Promise.promise();
    StringBuilder received = new StringBuilder();
    socket.handler(data -> {
      received.append(data.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
      if (received.indexOf("\r\n\r\n") >= 0) {
        answer.tryComplete(received.toString());
      }
    });
    socket.closeHandler(v -> answer.tryComplete(received.toString()));
    String request = "POST /v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + mesh.projectA.apiKey()
        + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + bodyLength
        + "\r\n\r\n";
    await(socket.write(Buffer.buffer(request)));
    await(socket.write(Buffer.buffer(head)));
    await(socket.write(Buffer.buffer(java.util.Arrays.copyOf(wav, wav.length / 2))));
    String response = io.atelier.launcher.Blocking.await(answer.future(), java.time.Duration.ofSeconds(10));
    socket.close();
    assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json");
    assertThat(count("assets")).isEqualTo(before);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (spooledFiles(spool) > spooled && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(spooledFiles(spool)).as("files left in the edge's spool folder").isEqualTo(spooled);
  }

  private static long spooledFiles(Path folder) throws java.io.IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (var files = Files.list(folder)) {
      return files.count();
    }
  }

  @Test
  void theEdgePublishesItsOpenApiDocumentAndHoldsRequestsToIt() {
    HttpResponse<Buffer> published = await(mesh.client(null).unauthenticated("/openapi.json").send());
    assertThat(published.statusCode()).isEqualTo(200);
    JsonObject document = published.bodyAsJsonObject();
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    assertThat(document.getJsonObject("paths").fieldNames()).contains("/v1/jobs", "/v1/pipelines", "/v1/keys",
        "/collab/{name}", "/files/");
    // Refused by the document, before any route: a parameter, a body field, and an unknown field of a strict body.
    assertThat(assertProblem(await(projectA.get("/v1/jobs?state=sleeping").send()), 400).getString("field"))
        .isEqualTo("state");
    assertThat(assertProblem(await(projectA.get("/v1/events").send()), 400).getString("field"))
        .isEqualTo("pipeline");
    JsonObject unknown = assertProblem(await(projectA.post("/v1/keys").sendJsonObject(new JsonObject()
        .put("name", "ci").put("scopes", "everything"))), 400);
    assertThat(unknown.getString("field")).isEqualTo("scopes");
    assertThat(unknown.getString("detail")).isEqualTo("scopes is not a field of this request");
    assertThat(field(new JsonObject().put("type", "render").put("assetId", assetOfA)
        .put("webhook", new JsonObject().put("url", 5)))).isEqualTo("webhook.url");
    // Media types are case-insensitive.
    assertThat(await(projectA.post("/v1/jobs").putHeader("Content-Type", "Application/JSON")
        .sendBuffer(Buffer.buffer("{\"type\":\"noop\",\"assetId\":\"" + assetOfA + "\"}"))).statusCode())
        .isEqualTo(202);
  }

  @Test
  void malformedJobRequestsNameTheirProblem() {
    assertThat(assertProblem(sendRaw("{\"type\": \"transcription\", ", "application/json"), 400).getString("detail"))
        .contains("not valid JSON");
    assertProblem(sendRaw("[1, 2]", "application/json"), 400);
    assertProblem(sendRaw("", "application/json"), 400);
    assertProblem(sendRaw("type=transcription", "application/x-www-form-urlencoded"), 415);

    assertThat(field(new JsonObject().put("assetId", assetOfA))).isEqualTo("type");
    assertThat(field(new JsonObject().put("type", 7).put("assetId", assetOfA))).isEqualTo("type");
    assertThat(field(new JsonObject().put("type", "telepathy").put("assetId", assetOfA))).isEqualTo("type");
    assertThat(field(new JsonObject().put("type", "transcription"))).isEqualTo("assetId");
    assertThat(field(new JsonObject().put("type", "transcription").put("assetId", "12345"))).isEqualTo("assetId");
    assertThat(field(new JsonObject().put("type", "transcription").put("assetId", new JsonArray()))).isEqualTo("assetId");
    assertThat(field(new JsonObject().put("type", "transcription").put("assetId", assetOfA).put("params", "fast")))
        .isEqualTo("params");
    for (Object attempts : new Object[] {0, 21, -1, 2.5, "3", true}) {
      assertThat(field(new JsonObject().put("type", "transcription").put("assetId", assetOfA).put("maxAttempts", attempts)))
          .as("maxAttempts %s", attempts).isEqualTo("maxAttempts");
    }
  }

  @Test
  void aRendersBadParamsAreRefusedAtSubmissionNamingTheParam() {
    JsonObject render = new JsonObject().put("type", "render").put("assetId", assetOfA);
    assertThat(field(render.copy().put("params", new JsonObject().put("width", 10)))).isEqualTo("params.width");
    assertThat(field(render.copy().put("params", new JsonObject().put("width", "800")))).isEqualTo("params.width");
    assertThat(field(render.copy().put("params", new JsonObject().put("height", 5000)))).isEqualTo("params.height");
    assertThat(field(render.copy().put("params", new JsonObject().put("color", "blue")))).isEqualTo("params.color");
    JsonObject problem = assertProblem(projectA.submit(render.copy().put("params", new JsonObject().put("width", 1))), 400);
    assertThat(problem.getString("detail")).isEqualTo("params.width must be a whole number from 64 to 4096");
    HttpResponse<Buffer> good = projectA.submit(render.copy()
        .put("params", new JsonObject().put("width", 800).put("color", "#112233")));
    assertThat(good.statusCode()).isEqualTo(202);
    // No node of the test mesh renders until a test deploys it: the job must not linger for others to count.
    HttpResponse<Buffer> cancelled = await(projectA.post("/v1/jobs/" + good.bodyAsJsonObject().getString("id") + "/cancel")
        .send());
    assertThat(cancelled.bodyAsJsonObject().getString("state")).as(cancelled.bodyAsString()).isEqualTo("cancelled");
  }

  @Test
  void aJobBodyOverTheSizeLimitIsRejected() {
    String huge = "{\"type\":\"transcription\",\"assetId\":\"" + assetOfA + "\",\"params\":{\"prompt\":\""
        + "x".repeat(100_000) + "\"}}";
    assertProblem(sendRaw(huge, "application/json"), 413);
  }

  /**
   * A body refused before it has all arrived: the answer closes the connection, which otherwise would hold the rest
   * of the body unread, and a client sending its next request on it would wait for ever.
   */
  @Test
  void aBodyRefusedBeforeItHasArrivedClosesItsConnection() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mesh.edgePort)) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + mesh.projectA.apiKey()
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      // Past the 64 KiB limit, far from the whole body; the rest never comes.
      out.write(("{\"type\":\"transcription\",\"params\":{\"prompt\":\"" + "x".repeat(100_000))
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      byte[] answer = socket.getInputStream().readAllBytes();
      String text = new String(answer, java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(text).startsWith("HTTP/1.1 413 ").containsIgnoringCase("\r\nconnection: close\r\n")
          .contains("application/problem+json");
    }
  }

  @Test
  void aTranscriptOfAnUnfinishedJobIsAConflictNamingItsState() throws Exception {
    // Rows are the truth: a job that exists but has not succeeded has no transcript yet.
    UUID job = UUID.randomUUID();
    await(mesh.pool.preparedQuery("INSERT INTO jobs (id, project_id, kind, state, asset_id) VALUES ($1, $2, 'transcription', 'queued', $3)")
        .execute(io.vertx.sqlclient.Tuple.of(job, mesh.projectA.projectId(), UUID.fromString(assetOfA))));
    JsonObject problem = assertProblem(await(projectA.get("/v1/transcripts/" + job).send()), 409);
    assertThat(problem.getString("state")).isEqualTo("queued");
  }

  @Test
  void requestsTheHttpDecoderCannotReadGetAProblemBodyAndTheEdgeStaysUp() throws Exception {
    record Unreadable(String request, int status, String type) {
    }
    String tooLongUri = "GET /v1/jobs?" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n";
    String hugeHeader = "GET /v1/jobs HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n";
    String badLength = "POST /v1/jobs HTTP/1.1\r\nHost: a\r\nContent-Length: lots\r\n\r\n";
    String badHeaderName = "GET /v1/jobs HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n";
    for (Unreadable unreadable : java.util.List.of(new Unreadable(tooLongUri, 414, "uri-too-long"),
        new Unreadable(hugeHeader, 431, "request-header-fields-too-large"),
        new Unreadable(badLength, 400, "malformed-request"), new Unreadable(badHeaderName, 400, "malformed-request"))) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mesh.edgePort)) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(unreadable.request().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        // The edge closes the connection after its answer, so everything up to the end of the stream is the answer.
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        // HTTP/1.0 when the request line itself could not be read: its version is unknown.
        assertThat(answer).as(unreadable.type()).matches("(?s)HTTP/1\\.[01] " + unreadable.status() + " .*")
            .containsIgnoringCase("content-type: application/problem+json");
        JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(problem.getInteger("status")).isEqualTo(unreadable.status());
        assertThat(problem.getString("type")).isEqualTo("/problems/" + unreadable.type());
        assertThat(problem.getString("detail")).isNotBlank();
      }
    }
    assertThat(await(projectA.get("/v1/jobs").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void aBodySentAByteASecondIsA408AndItsConnectionIsClosed() throws Exception {
    long before = count("jobs");
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mesh.edgePort)) {
      socket.setSoTimeout(30_000);
      java.io.OutputStream out = socket.getOutputStream();
      String body = new JsonObject().put("type", "transcription").put("assetId", assetOfA).encode();
      out.write(("POST /v1/jobs HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + mesh.projectA.apiKey()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      long started = System.nanoTime();
      java.io.InputStream in = socket.getInputStream();
      // A byte a second until the edge answers; it must, well before the body is done (some 90 bytes).
      byte[] answer = new byte[0];
      for (int i = 0; i < body.length() && answer.length == 0; i++) {
        try {
          out.write(body.charAt(i));
          out.flush();
        } catch (java.io.IOException closed) {
          break;
        }
        Thread.sleep(1_000);
        if (in.available() > 0) {
          answer = in.readNBytes(in.available());
        }
      }
      String text = new String(answer, java.nio.charset.StandardCharsets.UTF_8) + new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).startsWith("HTTP/1.1 408 ").containsIgnoringCase("application/problem+json")
          .contains("edge.bodyWaitSeconds");
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(20));
    }
    assertThat(count("jobs")).as("the slow request made nothing").isEqualTo(before);
    assertThat(await(projectA.get("/v1/jobs").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void aCorpusOfBadInputGetsPromptClientErrorsAndChangesNothing() {
    long jobs = count("jobs");
    long keys = count("api_keys");
    record Bad(io.vertx.core.http.HttpMethod method, String path, byte[] body, int status) {
    }
    java.util.function.Function<String, byte[]> utf8 = text -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] invalidUtf8 = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    // Deeper than Jackson's nesting limit (1000) and small enough for the 4 KiB bodies; and one past the body limit.
    String deep = "{\"a\":" + "[".repeat(1_900) + "]".repeat(1_900) + "}";
    String deepAndHuge = "[".repeat(100_000) + "]".repeat(100_000);
    var post = io.vertx.core.http.HttpMethod.POST;
    var get = io.vertx.core.http.HttpMethod.GET;
    List<Bad> corpus = List.of(
        new Bad(post, "/v1/jobs", invalidUtf8, 400),
        new Bad(post, "/v1/jobs", utf8.apply("{\"type\":\"transcription\",\"assetId\":\"\\ud800\"}"), 400),
        new Bad(post, "/v1/keys", utf8.apply("{\"name\":\"a\\ud800b\"}"), 400),
        new Bad(post, "/v1/keys", utf8.apply("{\"name\":\"\\udfff\"}"), 400),
        new Bad(post, "/v1/documents/notes/tokens", utf8.apply(deep), 400),
        new Bad(post, "/v1/jobs", utf8.apply(deep), 400),
        new Bad(post, "/v1/jobs", utf8.apply(deepAndHuge), 413),
        new Bad(post, "/v1/jobs", utf8.apply("{\"type\":\"transcription\",\"assetId\":\"" + assetOfA
            + "\",\"maxAttempts\":-1}"), 400),
        new Bad(post, "/v1/jobs", utf8.apply("{\"type\":\"transcription\",\"assetId\":\"" + assetOfA
            + "\",\"maxAttempts\":1e309}"), 400),
        new Bad(post, "/v1/jobs", utf8.apply("{\"type\":\"transcription\",\"assetId\":\"" + assetOfA
            + "\",\"maxAttempts\":99999999999999999999}"), 400),
        new Bad(post, "/v1/documents/notes/tokens", utf8.apply("{\"ttlSeconds\":-5}"), 400),
        new Bad(post, "/v1/documents/notes/tokens", utf8.apply("{\"ttlSeconds\":99999999999999999999}"), 400),
        new Bad(get, "/v1/jobs?limit=-1", null, 400),
        new Bad(get, "/v1/jobs?limit=99999999999999999999", null, 400),
        new Bad(get, "/v1/documents/..%2F..%2Fetc%2Fpasswd", null, 400),
        new Bad(get, "/v1/jobs/..%2F..%2Fassets", null, 404),
        new Bad(get, "/v1/assets/%00", null, 400),
        new Bad(get, "/v1/transcripts/..%2F" + assetOfA, null, 404),
        new Bad(get, "/v1/renders/" + UUID.randomUUID() + "/..%2F..%2Foriginal", null, 404));
    for (Bad bad : corpus) {
      var request = projectA.request(bad.method(), bad.path());
      HttpResponse<Buffer> answer = await(bad.body() == null ? request.send()
          : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(bad.body())));
      assertThat(answer.statusCode()).as("%s %s: %s", bad.method(), bad.path(), answer.bodyAsString())
          .isEqualTo(bad.status());
      assertProblem(answer, bad.status());
    }
    assertThat(count("jobs")).isEqualTo(jobs);
    assertThat(count("api_keys")).isEqualTo(keys);
    assertThat(await(projectA.get("/v1/jobs").send()).statusCode()).isEqualTo(200);
    assertThat(await(mesh.client(null).unauthenticated("/health/ready").send()).statusCode()).isEqualTo(200);
  }

  private static String field(JsonObject body) {
    long before = count("jobs");
    JsonObject problem = assertProblem(projectA.submit(body), 400);
    assertThat(count("jobs")).as("a rejected request creates no job").isEqualTo(before);
    return problem.getString("field");
  }

  private static HttpResponse<Buffer> sendRaw(String body, String contentType) {
    return await(projectA.post("/v1/jobs").putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)));
  }

  private static long count(String table) {
    return await(mesh.pool.query("SELECT count(*) AS n FROM " + table).execute()).iterator().next().getLong("n");
  }
}
