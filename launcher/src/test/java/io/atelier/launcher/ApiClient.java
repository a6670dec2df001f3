package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The REST API as a test drives it: real HTTP to the edge, each call awaited. */
final class ApiClient {

  private final WebClient web;
  private final String apiKey;

  ApiClient(Vertx vertx, int port, String apiKey) {
    // More connections than the edge's database pool has, so that a burst of requests can reach it all at once.
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    this.apiKey = apiKey;
  }

  HttpRequest<Buffer> get(String path) {
    return authorised(web.get(path));
  }

  HttpRequest<Buffer> post(String path) {
    return authorised(web.post(path));
  }

  HttpRequest<Buffer> delete(String path) {
    return authorised(web.delete(path));
  }

  HttpRequest<Buffer> request(io.vertx.core.http.HttpMethod method, String path) {
    return authorised(web.request(method, path));
  }

  HttpRequest<Buffer> unauthenticated(String path) {
    return web.get(path);
  }

  private HttpRequest<Buffer> authorised(HttpRequest<Buffer> request) {
    return apiKey == null ? request : request.bearerTokenAuthentication(apiKey);
  }

  HttpResponse<Buffer> upload(Path file, String contentType) {
    return await(post("/v1/assets").sendMultipartForm(MultipartForm.create()
        .binaryFileUpload("file", file.getFileName().toString(), file.toString(), contentType)));
  }

  /** Uploads a file and returns the asset's id, failing the test unless it was accepted. */
  String uploadAsset(Path file) {
    HttpResponse<Buffer> response = upload(file, "application/octet-stream");
    assertThat(response.statusCode()).as("upload of %s: %s", file, response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getString("id");
  }

  HttpResponse<Buffer> submit(JsonObject body) {
    return await(post("/v1/jobs").sendJsonObject(body));
  }

  /** Submits a transcription job and returns its id, failing the test unless it was accepted. */
  String submitTranscription(String assetId) {
    HttpResponse<Buffer> response = submit(new JsonObject().put("type", "transcription").put("assetId", assetId));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    String location = response.getHeader("Location");
    assertThat(location).startsWith("/v1/jobs/");
    return location.substring("/v1/jobs/".length());
  }

  /** Polls the job until it has finished and returns its last state. */
  JsonObject awaitFinished(String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject job;
    do {
      HttpResponse<Buffer> response = await(get("/v1/jobs/" + jobId).send());
      assertThat(response.statusCode()).isEqualTo(200);
      job = response.bodyAsJsonObject();
      if (job.getString("state").matches("succeeded|failed|cancelled")) {
        return job;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("job " + jobId + " did not finish within " + timeout + "; last seen " + job.encode());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // A request that never ends: say what the mesh was doing, so that the cause is in the report.
      throw new AssertionError("request failed: " + e + "\n" + TestMesh.whatItIsDoing(), e);
    } catch (Exception e) {
      throw new AssertionError("request failed: " + e, e);
    }
  }

  /** Checks the RFC 9457 shape every error of the API has, and returns the problem. */
  static JsonObject assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("/problems/");
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    return problem;
  }

  static MultiMap headers(HttpResponse<Buffer> response) {
    return response.headers();
  }
}
