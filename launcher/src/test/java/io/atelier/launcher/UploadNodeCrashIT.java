package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload node is killed with SIGKILL in the middle of a PATCH. The parts it had recorded survive; once its lease
 * runs out, the client resumes from the offset another node gives and finishes there, and the stored file is the
 * source, byte for byte.
 */
class UploadNodeCrashIT {

  private static final int MIB = 1 << 20;

  @Test
  void anUploadNodeKilledMidPatchLosesNoRecordedPartAndTheUploadFinishesOnAnother(@TempDir Path dir)
      throws Exception {
    Path wav = dir.resolve("two-minutes.wav");
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=330:duration=120", "-ac", "2", "-ar", "44100", wav.toString()).redirectErrorStream(true)
        .start();
    assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).isTrue();
    byte[] source = Files.readAllBytes(wav);
    int port = FreePorts.pick();
    int doomedPort = FreePorts.pick();
    Vertx vertx = Vertx.vertx();
    List<LauncherProcess> processes = new ArrayList<>();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge,upload")) {
      processes.add(dev);
      String key = dev.awaitApiKey();
      ApiClient api = new ApiClient(vertx, port, key);
      LauncherProcess doomed = LauncherProcess.start("doomed", dir, Map.of(
              "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_EDGE_PORT", Integer.toString(doomedPort),
              // A short lease: the upload is free again soon after its node died.
              "ATELIER_UPLOAD_LEASE_SECONDS", "3"),
          List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("doomed-tmp"))),
          "node", "--verticles", "edge,upload", "--config", dir.resolve("data/node.json").toString());
      processes.add(doomed);
      doomed.awaitLine(Pattern.compile("^Atelier node \\S+ running edge,upload;.*"), 120);
      ApiClient onDoomed = new ApiClient(vertx, doomedPort, key);
      HttpResponse<Buffer> created = await(onDoomed.request(HttpMethod.POST, "/files/")
          .putHeader("Tus-Resumable", "1.0.0").putHeader("Upload-Length", Integer.toString(source.length)).send());
      assertThat(created.statusCode()).isEqualTo(201);
      String url = created.getHeader("Location");

      // One PATCH of the whole file to the doomed node, of which 12 MiB are sent before it dies.
      NetSocket socket = await(vertx.createNetClient().connect(doomedPort, "127.0.0.1"));
      await(socket.write(Buffer.buffer(("PATCH " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
          + "Authorization: Bearer " + key + "\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
          + "\r\nContent-Length: " + source.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
      await(socket.write(Buffer.buffer(Arrays.copyOf(source, 12 * MIB))));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (offset(api, url) < 10L * MIB && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      doomed.process.destroyForcibly();
      assertThat(doomed.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      socket.close();

      long offset = offset(api, url);
      assertThat(offset).as("the two parts the doomed node recorded").isEqualTo(10L * MIB);
      // The dead node's lease holds the upload a moment longer (423), then the rest goes to the other node.
      HttpResponse<Buffer> rest;
      long start = System.nanoTime();
      do {
        rest = await(api.request(HttpMethod.PATCH, url).putHeader("Tus-Resumable", "1.0.0")
            .putHeader("Upload-Offset", Long.toString(offset))
            .putHeader("Content-Type", "application/offset+octet-stream")
            .sendBuffer(Buffer.buffer(Arrays.copyOfRange(source, (int) offset, source.length))));
        if (rest.statusCode() == 423) {
          Thread.sleep(250);
        }
      } while (rest.statusCode() == 423 && System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
      assertThat(rest.statusCode()).as(rest.bodyAsString()).isEqualTo(204);
      System.out.println("upload crash: resumed at " + offset + " of " + source.length + " bytes, "
          + (System.nanoTime() - start) / 1_000_000 + " ms after the kill");
      String stored = await(api.get("/v1/assets/" + rest.getHeader("Atelier-Asset-Id")).send()).bodyAsJsonObject()
          .getString("sha256");
      assertThat(stored).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source)));
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
      }
      vertx.close();
    }
  }

  private static long offset(ApiClient api, String url) {
    HttpResponse<Buffer> head = await(api.request(HttpMethod.HEAD, url).putHeader("Tus-Resumable", "1.0.0").send());
    return head.statusCode() == 200 ? Long.parseLong(head.getHeader("Upload-Offset")) : -1;
  }
}
