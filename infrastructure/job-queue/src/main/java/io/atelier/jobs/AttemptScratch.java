package io.atelier.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A job attempt's own folder for the files it works on (downloaded media, rendered output). One per attempt, so a
 * retry never meets a half-written file of the attempt before it; deleted when the attempt ends.
 */
public final class AttemptScratch {

  private AttemptScratch() {
  }

  /** The attempt's folder under {@code root}; not created yet. */
  public static Path of(Path root, Job job) {
    return root.resolve("jobs").resolve(job.id() + "-" + job.attempts());
  }

  /** Deletes the folder and everything in it, if it exists. Blocking. */
  public static void delete(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
