package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads straight from the client to S3 through the endpoints Uppy's {@code @uppy/aws-s3} (multipart) expects of
 * Companion, exercised here with its request and response shapes: create, sign a batch, PUT each part to its
 * presigned URL (with no key, as a browser does), list parts, complete into an asset; and abort.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class DirectUploadTest {

  private static final int MIB = 1 << 20;

  @Test
  void partsSentStraightToS3BecomeAnAssetLikeAnyUpload(@TempDir Path dir) throws Exception {
    Path wav = dir.resolve("minute.wav");
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=500:duration=60", "-ac", "2", "-ar", "48000", wav.toString()).redirectErrorStream(true).start();
    assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).isTrue();
    byte[] file = Files.readAllBytes(wav);
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    WebClient browser = WebClient.create(mesh.clientVertx);
    try {
      JsonObject created = await(api.post("/files/s3/multipart").sendJsonObject(new JsonObject()
          .put("filename", "minute.wav").put("type", "audio/wav").put("metadata", new JsonObject()))).bodyAsJsonObject();
      String key = created.getString("key");
      String uploadId = created.getString("uploadId");
      assertThat(key).doesNotContain("/");
      String base = "/files/s3/multipart/" + java.net.URLEncoder.encode(uploadId, StandardCharsets.UTF_8);

      JsonObject signed = await(api.get(base + "/batch?key=" + key + "&partNumbers=1,2,3").send()).bodyAsJsonObject();
      JsonArray parts = new JsonArray();
      for (int n = 1; n <= 3; n++) {
        byte[] part = Arrays.copyOfRange(file, (n - 1) * 5 * MIB, Math.min(file.length, n * 5 * MIB));
        HttpResponse<Buffer> put = await(browser.putAbs(signed.getJsonObject("presignedUrls").getString(
            Integer.toString(n))).sendBuffer(Buffer.buffer(part)));
        assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
        parts.add(new JsonObject().put("PartNumber", n).put("ETag", put.getHeader("ETag")));
      }
      JsonObject one = await(api.get(base + "/2?key=" + key).send()).bodyAsJsonObject();
      assertThat(one.getString("url")).contains("partNumber=2");
      JsonArray listed = await(api.get(base + "?key=" + key).send()).bodyAsJsonArray();
      assertThat(listed.size()).isEqualTo(3);
      assertThat(listed.getJsonObject(0).getLong("Size")).isEqualTo(5L * MIB);

      // Another project's key does not find it, nor does a made-up uploadId.
      ApiClient other = mesh.client(mesh.projectB.apiKey());
      assertThat(await(other.get(base + "?key=" + key).send()).statusCode()).isEqualTo(404);
      assertThat(await(api.get("/files/s3/multipart/made-up?key=" + key).send()).statusCode()).isEqualTo(404);

      HttpResponse<Buffer> completed = await(api.post(base + "/complete?key=" + key)
          .sendJsonObject(new JsonObject().put("parts", parts)));
      assertThat(completed.statusCode()).as(completed.bodyAsString()).isEqualTo(200);
      String assetId = completed.bodyAsJsonObject().getString("assetId");
      assertThat(completed.bodyAsJsonObject().getString("location")).isEqualTo("/v1/assets/" + assetId);
      JsonObject asset = await(api.get("/v1/assets/" + assetId).send()).bodyAsJsonObject();
      assertThat(asset.getString("sha256")).isEqualTo(HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(file)));
      assertThat(asset.getLong("sizeBytes")).isEqualTo(file.length);
      assertThat(asset.getString("filename")).isEqualTo("minute.wav");
      assertThat(asset.getJsonObject("media").getDouble("durationSeconds")).isBetween(59.9, 60.1);
      // Done: it takes nothing more.
      assertThat(await(api.get(base + "?key=" + key).send()).statusCode()).isEqualTo(409);

      // An aborted one is gone.
      JsonObject second = await(api.post("/files/s3/multipart").sendJsonObject(new JsonObject()
          .put("filename", "b.wav").put("type", "audio/wav"))).bodyAsJsonObject();
      String secondBase = "/files/s3/multipart/" + java.net.URLEncoder.encode(second.getString("uploadId"),
          StandardCharsets.UTF_8);
      assertThat(await(api.request(HttpMethod.DELETE, secondBase + "?key=" + second.getString("key")).send())
          .bodyAsJsonObject()).isEqualTo(new JsonObject());
      assertThat(await(api.get(secondBase + "?key=" + second.getString("key")).send()).statusCode()).isEqualTo(409);
      assertThat(await(api.post(secondBase + "/complete?key=" + second.getString("key"))
          .sendJsonObject(new JsonObject().put("parts", "nope"))).statusCode()).isEqualTo(400);
      assertThat(await(api.get(secondBase + "/0?key=" + second.getString("key")).send()).statusCode()).isEqualTo(400);
      assertThat(await(mesh.client(null).post("/files/s3/multipart").sendJsonObject(new JsonObject())).statusCode())
          .isEqualTo(401);
    } finally {
      browser.close();
    }
  }

  @Test
  void signingAPartKeepsTheUploadFromExpiringAsAPatchDoes() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    JsonObject created = await(api.post("/files/s3/multipart").sendJsonObject(new JsonObject()
        .put("filename", "long.wav").put("type", "audio/wav"))).bodyAsJsonObject();
    String key = created.getString("key");
    String base = "/files/s3/multipart/" + java.net.URLEncoder.encode(created.getString("uploadId"),
        StandardCharsets.UTF_8);
    Tuple id = Tuple.of(UUID.fromString(key));
    // As if the client had signed its last part long ago: ten seconds left.
    Blocking.await(mesh.pool.preparedQuery(
        "UPDATE uploads SET expires_at = now() + interval '10 seconds' WHERE id = $1").execute(id),
        Duration.ofSeconds(10));
    assertThat(await(api.get(base + "/1?key=" + key).send()).statusCode()).isEqualTo(200);
    double left = Blocking.await(mesh.pool.preparedQuery(
            "SELECT EXTRACT(EPOCH FROM expires_at - now())::float8 AS left FROM uploads WHERE id = $1").execute(id),
        Duration.ofSeconds(10)).iterator().next().getDouble("left");
    assertThat(left).as("seconds until the upload expires, after a part was signed").isGreaterThan(60);
    assertThat(await(api.get(base + "/batch?key=" + key + "&partNumbers=2,3").send()).statusCode()).isEqualTo(200);
    assertThat(await(api.request(HttpMethod.DELETE, base + "?key=" + key).send()).statusCode()).isEqualTo(200);
    // Once it is not receiving, a part is not signed, and the expiry stays as it was.
    assertThat(await(api.get(base + "/1?key=" + key).send()).statusCode()).isEqualTo(409);
  }
}
