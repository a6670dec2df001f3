package io.atelier.launcher;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the launcher tells the person who started it. With text logs, plain lines as before; with JSON logs a log event
 * like every other line, so that stdout stays one JSON object a line for whatever reads it.
 */
final class Console {

  private static final Logger LOG = LoggerFactory.getLogger(Console.class);

  private Console() {
  }

  /** Says {@code line}; an empty one (a gap for the eye) is left out of a JSON log. */
  static void say(String line) {
    if (LogFormat.active() == LogFormat.JSON) {
      if (!line.isEmpty()) {
        LOG.info(line);
      }
    } else {
      System.out.println(line);
      System.out.flush();
    }
  }

  /**
   * Gives the development project's key: printed as {@code ATELIER_API_KEY=...} with text logs; with JSON logs only
   * where it is kept is said, since a log, which is shipped and kept, must not hold a key.
   */
  static void sayKey(String apiKey, Path keptIn) {
    if (LogFormat.active() == LogFormat.JSON) {
      LOG.info("development API key kept in {} (apiKey)", keptIn);
    } else {
      say("ATELIER_API_KEY=" + apiKey);
    }
  }
}
