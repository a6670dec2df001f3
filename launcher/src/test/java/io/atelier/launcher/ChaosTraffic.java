package io.atelier.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The REST consumers of the chaos run, through the front door: reads and writes in a steady loop, and a stream of
 * pipelines (a spoken recording uploaded, then transcription, enrichment and a render). Every request is recorded
 * with its time and outcome, so that each event of the run can be charged with the failures in its window.
 */
final class ChaosTraffic implements AutoCloseable {

  /** One HTTP exchange: when it started and ended (System.nanoTime), and what went wrong if it failed. */
  record Request(long startNanos, long endNanos, String what, String failure) {
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  private final String front;
  private final String key;
  private final List<Path> recordings;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<String> pipelines = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  ChaosTraffic(String front, String key, List<Path> recordings) {
    this.front = front;
    this.key = key;
    this.recordings = recordings;
  }

  /** {@code readers} threads of REST reads and writes, and one submitting a pipeline every {@code pipelineEvery}. */
  ChaosTraffic start(int readers, Duration pipelineEvery) {
    for (int i = 0; i < readers; i++) {
      threads.add(thread("chaos-rest-" + i, this::restLoop));
    }
    threads.add(thread("chaos-pipelines", () -> pipelineLoop(pipelineEvery)));
    return this;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  List<String> pipelines() {
    synchronized (pipelines) {
      return List.copyOf(pipelines);
    }
  }

  private void restLoop() {
    String document = "chaos-rest-" + UUID.randomUUID().toString().substring(0, 8);
    int n = 0;
    while (running.get()) {
      switch (n++ % 3) {
        case 0 -> send("GET /v1/jobs", get("/v1/jobs?limit=5"), 200);
        case 1 -> send("GET /v1/assets", get("/v1/assets?limit=5"), 200);
        default -> send("POST /v1/documents/{name}/tokens", post("/v1/documents/" + document + "/tokens",
            "application/json", new JsonObject().put("access", "read").encode().getBytes(StandardCharsets.UTF_8)), 201);
      }
      sleep(20);
    }
  }

  private void pipelineLoop(Duration every) {
    int n = 0;
    while (running.get()) {
      long next = System.nanoTime() + every.toNanos();
      Path recording = recordings.get(n++ % recordings.size());
      try {
        String asset = send("POST /v1/assets", post("/v1/assets", multipartType(), multipart(recording)), 201)
            .map(body -> new JsonObject(body).getString("id")).orElse(null);
        if (asset != null) {
          JsonObject pipeline = new JsonObject().put("assetId", asset)
              .put("steps", new JsonArray().add("transcription").add("enrichment").add("render"));
          send("POST /v1/pipelines", post("/v1/pipelines", "application/json",
              pipeline.encode().getBytes(StandardCharsets.UTF_8)), 202)
              .ifPresent(body -> pipelines.add(new JsonObject(body).getString("id")));
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
    }
  }

  /** GET of a JSON resource, outside the recorded traffic (the checks at the end). */
  JsonObject read(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(get(path), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  int status(String path) throws IOException, InterruptedException {
    return HTTP.send(get(path), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private Optional<String> send(String what, HttpRequest request, int expected) {
    long start = System.nanoTime();
    String failure;
    String body = null;
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      body = response.body();
      failure = response.statusCode() == expected ? null
          : "status " + response.statusCode() + ": " + body.substring(0, Math.min(200, body.length()));
    } catch (IOException e) {
      failure = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    requests.add(new Request(start, System.nanoTime(), what, failure));
    return failure == null ? Optional.of(body) : Optional.empty();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).GET().build();
  }

  private HttpRequest post(String path, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return request.build();
  }

  private static final String BOUNDARY = "chaos-" + UUID.randomUUID();

  /** A multipart/form-data body with one field, {@code file}; its Content-Type goes on the request. */
  private static byte[] multipart(Path file) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
        + "\"\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(file));
    body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  static String multipartType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  private static Thread thread(String name, Runnable loop) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the traffic and waits for the requests under way. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
  }
}
