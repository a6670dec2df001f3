package io.atelier.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Node.js scripts the tests run against a live mesh with the real npm clients (yjs, y-websocket): their packages
 * installed from the committed lock once per folder and JVM, their output collected line by line.
 */
final class NodeScripts {

  /** The collaboration protocol scenarios, with yjs and y-websocket. */
  static final Path COLLAB = Path.of("..", "verticles", "collab", "src", "test", "js").toAbsolutePath().normalize();

  /** The tus scenarios, with tus-js-client. */
  static final Path UPLOAD = Path.of("..", "verticles", "upload", "src", "test", "js").toAbsolutePath().normalize();

  /** The peaks reader, with waveform-data (what peaks.js reads audiowaveform's files with). */
  static final Path RENDER = Path.of("..", "verticles", "render", "src", "test", "js").toAbsolutePath().normalize();

  /** OpenAI's official Node SDK against the edge's OpenAI-compatible audio API. */
  static final Path OPENAI = Path.of("..", "verticles", "edge", "src", "test", "js").toAbsolutePath().normalize();

  /** The editor page and the two-browser run, with CodeMirror 6, y-codemirror.next and playwright-core. */
  static final Path BROWSER = Path.of("src", "test", "js", "browser").toAbsolutePath().normalize();

  private static final Set<Path> INSTALLED = new HashSet<>();

  record Result(int exit, List<String> output) {
    String text() {
      return String.join("\n", output);
    }
  }

  private NodeScripts() {
  }

  static synchronized void install(Path folder) throws IOException, InterruptedException {
    if (INSTALLED.contains(folder)) {
      return;
    }
    if (!Files.isDirectory(folder.resolve("node_modules"))) {
      Result installed = run(folder, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      if (installed.exit() != 0) {
        throw new IllegalStateException("npm ci in " + folder + " failed:\n" + installed.text());
      }
    }
    INSTALLED.add(folder);
  }

  /** Runs {@code node script args...} in {@code folder}; a run past {@code timeout} is killed and fails. */
  static Result node(Path folder, Duration timeout, String... scriptAndArgs) throws IOException, InterruptedException {
    install(folder);
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(List.of(scriptAndArgs));
    return run(folder, timeout, command.toArray(String[]::new));
  }

  /** Starts {@code node script args...} in {@code folder} and leaves it running, its lines collected in {@code output}. */
  static Process start(Path folder, List<String> output, String... scriptAndArgs) throws IOException, InterruptedException {
    install(folder);
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(List.of(scriptAndArgs));
    Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    collect(process, output);
    return process;
  }

  private static Result run(Path folder, Duration timeout, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = collect(process, output);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      reader.join(1000);
      throw new AssertionError(String.join(" ", command) + " ran past " + timeout.toSeconds() + " s:\n"
          + String.join("\n", output));
    }
    reader.join(5000);
    return new Result(process.exitValue(), List.copyOf(output));
  }

  private static Thread collect(Process process, List<String> output) {
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    }, "node-script-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }
}
