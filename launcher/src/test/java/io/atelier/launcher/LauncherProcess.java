package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged launcher run as a separate JVM, its output collected line by line. */
final class LauncherProcess implements AutoCloseable {

  static final Pattern KEY_LINE = Pattern.compile("^ATELIER_API_KEY=(atl_[A-Za-z0-9_-]+)$");

  final Process process;
  final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final String name;
  private Thread reader;

  private LauncherProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  static LauncherProcess start(String name, Path workDir, Map<String, String> environment, String... args)
      throws IOException {
    return start(name, workDir, environment, List.of(), args);
  }

  static LauncherProcess start(String name, Path workDir, Map<String, String> environment, List<String> jvmOptions,
                               String... args) throws IOException {
    return start(name, Path.of(System.getProperty("atelier.jar")), workDir, environment, jvmOptions, args);
  }

  /** The launcher in {@code jar}, with the class path its manifest names beside it. */
  static LauncherProcess start(String name, Path jar, Path workDir, Map<String, String> environment,
                               List<String> jvmOptions, String... args) throws IOException {
    return start(name, jar, workDir, environment, jvmOptions, null, args);
  }

  /**
   * As {@link #start(String, Path, Map, String...)}, with standard error kept apart in {@code <workDir>/<name>.stderr}:
   * {@link #output} is what the process wrote on stdout alone.
   */
  static LauncherProcess startWithStdoutAlone(String name, Path workDir, Map<String, String> environment,
                                              String... args) throws IOException {
    return start(name, Path.of(System.getProperty("atelier.jar")), workDir, environment, List.of(),
        workDir.resolve(name + ".stderr"), args);
  }

  private static LauncherProcess start(String name, Path jar, Path workDir, Map<String, String> environment,
                                       List<String> jvmOptions, Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    if (stderr == null) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(stderr.toFile());
    }
    builder.environment().putAll(environment);
    LauncherProcess launched = new LauncherProcess(name, builder.start());
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(launched.process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          launched.output.add(line);
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    launched.reader = reader;
    return launched;
  }

  /** Waits for a line matching {@code pattern}, failing if the process ends without printing one. */
  Matcher awaitLine(Pattern pattern, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      boolean ended = !process.isAlive();
      if (ended) {
        // What it printed last may still be on its way through the pipe.
        reader.join(5_000);
      }
      Matcher found = find(pattern);
      if (found != null) {
        return found;
      }
      assertThat(ended).as("%s exited without printing a line matching %s:\n%s", name, pattern, transcript()).isFalse();
      Thread.sleep(100);
    }
    throw new AssertionError(name + " printed no line matching " + pattern + ":\n" + transcript());
  }

  private Matcher find(Pattern pattern) {
    synchronized (output) {
      for (String line : output) {
        Matcher m = pattern.matcher(line.trim());
        if (m.matches()) {
          return m;
        }
      }
    }
    return null;
  }

  String awaitApiKey() throws InterruptedException {
    return awaitLine(KEY_LINE, 180).group(1);
  }

  boolean printed(String fragment) {
    if (!process.isAlive()) {
      // Its last lines may still be on their way through the pipe.
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (output) {
      return output.stream().anyMatch(l -> l.contains(fragment));
    }
  }

  /** The lines printed after the first one containing {@code marker} (none if it never printed it). */
  List<String> linesAfter(String marker) {
    printed(marker);
    synchronized (output) {
      for (int i = 0; i < output.size(); i++) {
        if (output.get(i).contains(marker)) {
          return List.copyOf(output.subList(i + 1, output.size()));
        }
      }
    }
    return List.of();
  }

  String transcript() {
    synchronized (output) {
      return "--- " + name + "\n" + String.join("\n", output);
    }
  }

  /**
   * Sends SIGTERM, as a supervisor stops a node. Through the process handle: {@link Process#destroy()} would also close
   * the pipe of its output, so nothing it prints while it drains would be read.
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** SIGTERM, then SIGKILL if it does not stop within a minute. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      sigterm();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
