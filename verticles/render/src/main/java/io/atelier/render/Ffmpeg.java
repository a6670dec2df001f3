package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.vertx.core.json.JsonArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs ffmpeg for one render and watches it: progress from its {@code -progress} report (as a fraction of the
 * input's duration) to the job, the process killed at once when the job is cancelled or when it runs past a timeout
 * made from the input's duration, and ffmpeg's last error lines in the job's error when it fails. Blocking: runs on a
 * worker thread; a shared watchdog thread does the killing, since the worker thread may be blocked reading.
 */
final class Ffmpeg {

  /** How much of ffmpeg's error output a failed job's error keeps. */
  private static final int ERROR_LINES = 8;
  private static final int ERROR_CHARS = 1_500;
  private static final long WATCH_MILLIS = 100;
  /** The command lines run in an attempt's folder, one JSON array a line. */
  static final String COMMANDS = "commands.jsonl";

  /** Reads what ffmpeg writes to its standard output (a {@code pipe:1} output) until it ends. */
  @FunctionalInterface
  interface OutputReader {
    void read(InputStream stdout) throws IOException;
  }

  private final String executable;
  private final RenderConfig.Timeouts timeouts;
  private final ScheduledExecutorService watchdog;

  Ffmpeg(String executable, RenderConfig.Timeouts timeouts, ScheduledExecutorService watchdog) {
    this.executable = executable;
    this.timeouts = timeouts;
    this.watchdog = watchdog;
  }

  /**
   * Runs ffmpeg with {@code arguments} (inputs, filters and outputs) writing files, reporting its progress through
   * {@code inputSeconds} of input; {@code what} names the work in errors ("transcode to MP3").
   */
  void run(List<String> arguments, double inputSeconds, JobControl control, Path scratch, String what)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("-progress", "pipe:1", "-nostats"));
    command.addAll(arguments);
    run(command, inputSeconds, control, scratch, what, stdout -> readProgress(stdout, inputSeconds, control));
  }

  /**
   * Runs ffmpeg with {@code arguments} whose output is {@code pipe:1}, handing that output to {@code reader} (which
   * reports progress itself).
   */
  void run(List<String> arguments, double inputSeconds, JobControl control, Path scratch, String what,
           OutputReader reader) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable, "-nostdin", "-hide_banner", "-loglevel", "error"));
    command.addAll(arguments);
    // What ran is written down with the run's files (removed with them unless render.keepWorkFolders is set).
    Files.writeString(scratch.resolve(COMMANDS), new JsonArray(new ArrayList<Object>(command)).encode() + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Path errors = Files.createTempFile(scratch, "ffmpeg-", ".log");
    Duration timeout = timeouts.forInput(inputSeconds);
    Process process = new ProcessBuilder(command)
        .directory(scratch.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(errors.toFile())
        .start();
    AtomicReference<RuntimeException> stoppedBecause = new AtomicReference<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    ScheduledFuture<?> watch = watchdog.scheduleWithFixedDelay(() -> {
      if (control.isCancelRequested()) {
        stoppedBecause.compareAndSet(null, new CancellationException(what + " cancelled"));
      } else if (System.nanoTime() > deadline) {
        stoppedBecause.compareAndSet(null, new JobFailedException(ErrorCode.INTERNAL, "ffmpeg did not finish the "
            + what + " within " + timeout.toSeconds() + " s (the timeout for " + Math.round(inputSeconds)
            + " s of input) and was stopped"));
      }
      if (stoppedBecause.get() != null) {
        kill(process);
      }
    }, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    try {
      IOException readFailure = null;
      try (InputStream stdout = process.getInputStream()) {
        reader.read(stdout);
        // Whatever the reader left unread must not block ffmpeg on a full pipe.
        stdout.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        readFailure = e;
      }
      process.waitFor();
      if (stoppedBecause.get() != null) {
        throw stoppedBecause.get();
      }
      if (process.exitValue() != 0) {
        // ffmpeg refuses the input itself (undecodable bytes, no such stream): running again cannot help.
        throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "ffmpeg could not " + what + " (exit "
            + process.exitValue() + "): " + lastLines(errors, scratch));
      }
      if (readFailure != null) {
        throw readFailure;
      }
    } finally {
      watch.cancel(false);
      kill(process);
      Files.deleteIfExists(errors);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Reads ffmpeg's {@code -progress} report: {@code key=value} lines, a block per update. */
  private static void readProgress(InputStream stdout, double inputSeconds, JobControl control) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      // out_time_us is the output's position in microseconds (out_time_ms is the same figure, misnamed). The
      // control throttles the reports.
      if (line.startsWith("out_time_us=") && inputSeconds > 0) {
        control.reportProgress(fraction(line.substring("out_time_us=".length()), inputSeconds), null);
      }
    }
  }

  /** The fraction of the input that {@code microseconds} of output stand for, within 0..1; 0 when unknown. */
  static double fraction(String microseconds, double inputSeconds) {
    try {
      double fraction = Long.parseLong(microseconds.strip()) / 1e6 / inputSeconds;
      return Math.max(0, Math.min(1, fraction));
    } catch (NumberFormatException e) {
      // "N/A" before the first frame is out
      return 0;
    }
  }

  /** ffmpeg's last error lines, with the scratch folder's path taken out (nobody needs the node's paths). */
  static String lastLines(Path errors, Path scratch) throws IOException {
    Deque<String> last = new ArrayDeque<>();
    try (BufferedReader reader = Files.newBufferedReader(errors, StandardCharsets.ISO_8859_1)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          last.addLast(line.strip());
          if (last.size() > ERROR_LINES) {
            last.removeFirst();
          }
        }
      }
    }
    if (last.isEmpty()) {
      return "no error output";
    }
    String text = String.join(" | ", last).replace(scratch.toAbsolutePath() + "/", "").replace(scratch + "/", "");
    return text.length() > ERROR_CHARS ? "…" + text.substring(text.length() - ERROR_CHARS) : text;
  }
}
