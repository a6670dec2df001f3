package io.atelier.yjs;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real Yjs, in one long-lived {@code node src/test/js/differential.mjs} process spoken to in JSON lines. Installs
 * the pinned packages with {@code npm ci} first if {@code node_modules} is missing.
 */
final class NodeReference implements AutoCloseable {

  private static final long ANSWER_TIMEOUT_SECONDS = 120;

  private final Process node;
  private final Writer requests;
  private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(4);

  private NodeReference(Process node) {
    this.node = node;
    this.requests = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          answers.put(line);
        }
      } catch (IOException | InterruptedException e) {
        // the process ended: request() times out or sees the exit
      }
    }, "yjs-node-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The folder holding package.json and the harness, found from the module's base directory. */
  static Path jsFolder() {
    Path base = Paths.get(System.getProperty("basedir", "")).toAbsolutePath();
    Path js = base.resolve("src/test/js");
    if (!Files.isRegularFile(js.resolve("differential.mjs"))) {
      js = base.resolve("infrastructure/yjs/src/test/js");
    }
    if (!Files.isRegularFile(js.resolve("differential.mjs"))) {
      throw new IllegalStateException("cannot find src/test/js/differential.mjs from " + base);
    }
    return js;
  }

  static NodeReference start() throws IOException, InterruptedException {
    Path js = jsFolder();
    requireTool("node");
    if (!Files.isDirectory(js.resolve("node_modules/yjs"))) {
      requireTool("npm");
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(js.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm ci --no-audit --no-fund failed in " + js);
      }
    }
    Process node = new ProcessBuilder("node", "differential.mjs").directory(js.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new NodeReference(node);
  }

  private static void requireTool(String tool) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() == 0) {
        return;
      }
    } catch (IOException e) {
      // fall through
    }
    throw new IllegalStateException("the differential test needs '" + tool + "' on the PATH (Node.js 18 or later) "
        + "to run the reference Yjs; the offline corpus test (YjsCorpusTest) runs without it");
  }

  JsonObject request(JsonObject request) throws IOException, InterruptedException {
    requests.write(request.encode());
    requests.write('\n');
    requests.flush();
    String line = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (line == null) {
      throw new IllegalStateException("node gave no answer to " + request.getString("op") + " within "
          + ANSWER_TIMEOUT_SECONDS + " s" + (node.isAlive() ? "" : " (exited with " + node.exitValue() + ")"));
    }
    JsonObject answer = new JsonObject(line);
    if (answer.containsKey("error")) {
      throw new IllegalStateException("node failed on " + request.getString("op") + ": " + answer.getString("error"));
    }
    return answer;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      requests.close();
    } catch (IOException e) {
      // already gone
    }
    if (!node.waitFor(10, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }
}
