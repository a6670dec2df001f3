package io.atelier.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A server started as a child process, with its output in a log file, stopped gracefully then forcibly. */
final class ChildProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  static ChildProcess start(String name, List<String> command, Path workDir, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logFile.getParent(), e);
    }
    List<String> detached = new java.util.ArrayList<>();
    // In a session of its own, a server is not in the terminal's process group: Ctrl-C reaches only the JVM, which
    // stops the mesh first and the servers after it. (PostgreSQL's pg_ctl detaches the same way.)
    if (Files.isExecutable(SETSID)) {
      detached.add(SETSID.toString());
    }
    detached.addAll(command);
    for (int attempt = 1; ; attempt++) {
      try {
        Process process = new ProcessBuilder(detached)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
        LOG.info("started {} (pid {}): log {}", name, process.pid(), logFile);
        return new ChildProcess(name, process, logFile);
      } catch (IOException e) {
        // A binary just written can be briefly "busy" (ETXTBSY) while a process forked on another thread still
        // holds the writer's descriptor; it clears within milliseconds.
        if (attempt < 10 && String.valueOf(e.getMessage()).contains("Text file busy")) {
          sleep(100);
          continue;
        }
        throw new UncheckedIOException("cannot start " + name + ": " + command, e);
      }
    }
  }

  /** Waits until the process listens on the port, failing early if it exits. */
  void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + logFile);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new IllegalStateException(name + " did not listen on port " + port + " within " + timeout + "; see " + logFile);
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        LOG.warn("{} did not stop within 10 s; killing it", name);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a child process", e);
    }
  }
}
