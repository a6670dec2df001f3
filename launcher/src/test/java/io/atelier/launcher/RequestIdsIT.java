package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One id finds every log line of a request on every node: an edge and a worker in JVMs of their own, both logging
 * JSON, and a transcription asked for with the client's {@code X-Request-Id}.
 */
class RequestIdsIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theEdgesLinesForARequestAndTheWorkersLinesForItsJobCarryTheClientsIdAndEveryStdoutLineIsJson(
      @TempDir Path dir) throws Exception {
    int port = FreePorts.pick();
    Map<String, String> json = Map.of("ATELIER_LOG_FORMAT", "json");
    String requestId = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    List<LauncherProcess> processes = new ArrayList<>();
    Vertx client = Vertx.vertx();
    try {
      LauncherProcess dev = LauncherProcess.startWithStdoutAlone("dev", dir, json, "dev", "--data-dir",
          dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge");
      processes.add(dev);
      dev.awaitLine(jsonMessage("Atelier is running at .*"), 120);
      // With JSON logs the key is not printed (a log must hold no key): it is where the dev command keeps it.
      String key = new JsonObject(Files.readString(dir.resolve("data/dev-project.json"))).getString("apiKey");
      assertThat(dev.printed(key)).isFalse();

      LauncherProcess worker = LauncherProcess.startWithStdoutAlone("worker", dir, Map.of(
              "ATELIER_LOG_FORMAT", "json",
              "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve("worker").toString()),
          "node", "--verticles", "transcription,enrichment", "--config", dir.resolve("data/node.json").toString());
      processes.add(worker);
      worker.awaitLine(jsonMessage("Atelier node \\S+ running transcription,enrichment.*"), 120);

      String api = "http://127.0.0.1:" + port;
      Path clip = SpeechSamples.librivox().get(0).wav();
      String asset = new JsonObject(WorkerCrashIT.curl(key, "-F", "file=@" + clip, api + "/v1/assets")).getString("id");
      HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .header("X-Request-Id", requestId)
          .POST(HttpRequest.BodyPublishers.ofString(
              new JsonObject().put("type", "transcription").put("assetId", asset).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(accepted.headers().firstValue("X-Request-Id")).contains(requestId);
      String job = new JsonObject(accepted.body()).getString("id");

      try (LiveEventStream events = LiveEventStream.open(client, port, key, "/v1/jobs/" + job + "/events", null)) {
        events.awaitEvent(LiveEventStream.state("succeeded"), Duration.ofSeconds(60));
      }
      HttpResponse<String> shown = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs/" + job))
          .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(shown.body()).getString("requestId")).isEqualTo(requestId);
      // A request without an id gets one of the edge's, in its answer too.
      assertThat(shown.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).isNotBlank()
          .isNotEqualTo(requestId));

      // Drained and stopped, so that every line they would write is in.
      for (LauncherProcess p : processes) {
        p.close();
      }
      List<JsonObject> edgeLines = jsonLines(dev);
      List<JsonObject> workerLines = jsonLines(worker);
      assertThat(linesOf(edgeLines, requestId)).as("the edge's lines for the request")
          .anySatisfy(line -> assertThat(message(line)).isEqualTo("job=" + job + " kind=transcription queued"));
      List<JsonObject> forTheJob = workerLines.stream().filter(line -> message(line).contains("job=" + job)).toList();
      assertThat(forTheJob).as("the worker's lines for the job").isNotEmpty()
          .anySatisfy(line -> assertThat(message(line)).contains("succeeded in"))
          .allSatisfy(line -> assertThat(requestIdOf(line)).as(line.encode()).isEqualTo(requestId));
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
        System.out.println(p.transcript());
      }
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void textLogsStayReadableLinesWithTheRequestIdAndAnUnknownFormatIsRefusedAtStart(@TempDir Path dir)
      throws Exception {
    int port = FreePorts.pick();
    try (LauncherProcess dev = LauncherProcess.startWithStdoutAlone("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge")) {
      String key = dev.awaitApiKey();
      String api = "http://127.0.0.1:" + port;
      String asset = new JsonObject(WorkerCrashIT.curl(key, "-F", "file=@" + SpeechSamples.librivox().get(0).wav(),
          api + "/v1/assets")).getString("id");
      HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .header("X-Request-Id", "chaos-text")
          .POST(HttpRequest.BodyPublishers.ofString(
              new JsonObject().put("type", "transcription").put("assetId", asset).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      String job = new JsonObject(accepted.body()).getString("id");
      HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs/" + UUID.randomUUID()))
          .header("Authorization", "Bearer " + key).header("X-Request-Id", "chaos-problem").build(),
          HttpResponse.BodyHandlers.ofString());
      // A problem answer carries the id as well.
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(missing.headers().firstValue("X-Request-Id")).contains("chaos-problem");
      dev.close();
      assertThat(dev.output).isNotEmpty().noneMatch(line -> line.startsWith("{"))
          .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*\\] edge listening on .*"))
          .anyMatch(line -> line.matches(".* INFO .*\\] req=chaos-text job=" + job + " kind=transcription queued"))
          .anyMatch(line -> line.startsWith("ATELIER_API_KEY="));
    }

    ProcessBuilder unknownFormat = new ProcessBuilder("java", "-jar", System.getProperty("atelier.jar"), "node",
        "--verticles", "edge").redirectErrorStream(true).directory(dir.toFile());
    unknownFormat.environment().put("ATELIER_LOG_FORMAT", "xml");
    Process refused = unknownFormat.start();
    String said = new String(refused.getInputStream().readAllBytes());
    assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).as(said).isEqualTo(1);
    assertThat(said).contains("atelier: log.format must be text or json, was 'xml'");
  }

  /** A JSON log line whose message matches {@code message}. */
  private static Pattern jsonMessage(String message) {
    return Pattern.compile("^\\{.*\"formattedMessage\":\"" + message + "\".*\\}$");
  }

  /** Every line the process wrote on stdout, each of which must be one JSON object. */
  private static List<JsonObject> jsonLines(LauncherProcess process) {
    List<JsonObject> lines = new ArrayList<>();
    for (String line : List.copyOf(process.output)) {
      try {
        lines.add(new JsonObject(line));
      } catch (DecodeException notJson) {
        throw new AssertionError("not a JSON object: " + line + "\n" + process.transcript(), notJson);
      }
    }
    assertThat(lines).isNotEmpty();
    return lines;
  }

  private static List<JsonObject> linesOf(List<JsonObject> lines, String requestId) {
    return lines.stream().filter(line -> requestId.equals(requestIdOf(line))).toList();
  }

  private static String requestIdOf(JsonObject line) {
    JsonObject mdc = line.getJsonObject("mdc");
    return mdc == null ? null : mdc.getString("requestId");
  }

  private static String message(JsonObject line) {
    return line.getString("formattedMessage", "");
  }
}
