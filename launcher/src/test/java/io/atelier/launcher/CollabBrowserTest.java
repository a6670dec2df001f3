package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two people edit one document in two real browsers: Debian's Chromium, driven by playwright-core, opens the edge's
 * editor page (CodeMirror 6 bound to the document with y-codemirror.next over y-websocket, served by node A's edge at
 * {@code /app/} beside {@code /collab/}) in two separate browser contexts; Ada types a line, then both type at once
 * (Grace at the end, Ada a title at the start), and both editors must show the same text holding every line and each
 * the other's caret with the other's name.
 * The pages' screenshots are kept in {@code target/browser-screenshots/}.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class CollabBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

  @Test
  void twoBrowsersEditOneDocumentAndSeeEachOthersCaret() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM + " (Debian package chromium; ./atelier test "
        + "installs it)").isTrue();
    TestMesh mesh = TestMesh.get();

    NodeScripts.Result built = NodeScripts.node(NodeScripts.BROWSER, Duration.ofSeconds(60), "build.mjs",
        mesh.webDirectory.toString());
    assertThat(built.exit()).as(built.text()).isZero();
    assertThat(mesh.webDirectory.resolve("collab.html")).exists();
    assertThat(mesh.webDirectory.resolve("collab.js")).exists();

    String document = "browser-" + UUID.randomUUID();
    String tokenA = token(mesh, document);
    String tokenB = token(mesh, document);
    Path screenshots = Files.createDirectories(SCREENSHOTS);
    Files.deleteIfExists(screenshots.resolve("collab-ada.png"));
    Files.deleteIfExists(screenshots.resolve("collab-grace.png"));

    NodeScripts.Result run = NodeScripts.node(NodeScripts.BROWSER, Duration.ofSeconds(120), "two-editors.mjs",
        "--page-url", "http://127.0.0.1:" + mesh.edgePort + "/app/collab.html", "--token-a", tokenA,
        "--token-b", tokenB, "--document", document, "--screenshots", screenshots.toString(),
        "--timeout-ms", "90000");
    String last = run.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    System.out.println("two browsers on " + document + ": " + last);
    seenScreenshots(screenshots);
    assertThat(run.exit()).as(run.text()).isZero();

    JsonObject seen = new JsonObject(last);
    assertThat(seen.getBoolean("ok")).as(last).isTrue();
    assertThat(seen.getJsonArray("console")).as("the pages' console errors and warnings").isEmpty();
    String ada = seen.getJsonObject("texts").getString("ada");
    assertThat(seen.getJsonObject("texts").getString("grace")).isEqualTo(ada);
    assertThat(ada.split("\n")).containsSequence("Notes of the meeting", "Ada writes the first line from her browser.",
        "Grace writes the second line from hers.");
    assertThat(seen.getJsonObject("carets").getJsonArray("ada").getList()).containsExactly("Grace");
    assertThat(seen.getJsonObject("carets").getJsonArray("grace").getList()).containsExactly("Ada");

    assertThat(screenshots.resolve("collab-ada.png")).isNotEmptyFile();
    assertThat(screenshots.resolve("collab-grace.png")).isNotEmptyFile();

    // What the browsers typed is the document's text as the API reads it, once the last updates are stored.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String stored;
    do {
      HttpResponse<Buffer> response = ApiClient.await(mesh.client(mesh.projectA.apiKey())
          .get("/v1/documents/" + document).send());
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      stored = response.bodyAsJsonObject().getString("text");
      if (!ada.equals(stored)) {
        Thread.sleep(100);
      }
    } while (!ada.equals(stored) && System.nanoTime() < deadline);
    assertThat(stored).isEqualTo(ada);
  }

  private static String token(TestMesh mesh, String document) {
    HttpResponse<Buffer> response = ApiClient.await(mesh.client(mesh.projectA.apiKey())
        .post("/v1/documents/" + document + "/tokens").sendJsonObject(new JsonObject().put("access", "write")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getString("token");
  }

  private static void seenScreenshots(Path folder) throws Exception {
    try (var files = Files.list(folder)) {
      files.sorted().forEach(file -> System.out.println("screenshot: " + file));
    }
  }
}
