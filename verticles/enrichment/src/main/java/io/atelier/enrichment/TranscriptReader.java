package io.atelier.enrichment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the recogniser's word list, rejecting malformed entries with a message that names the entry and the field:
 * a transcript that is wrong once is wrong on every retry, so the caller fails the job for good.
 */
final class TranscriptReader {

  private TranscriptReader() {
  }

  static List<SpokenWord> read(JsonArray words) {
    if (words == null) {
      throw new IllegalArgumentException("words is missing");
    }
    List<SpokenWord> read = new ArrayList<>(words.size());
    for (int i = 0; i < words.size(); i++) {
      SpokenWord word = readWord(words.getValue(i), "words[" + i + "]");
      if (i > 0 && word.start() < read.get(i - 1).start()) {
        throw new IllegalArgumentException("words[" + i + "].start is before words[" + (i - 1) + "].start");
      }
      read.add(word);
    }
    return read;
  }

  static void checkDuration(double durationSeconds) {
    if (!Double.isFinite(durationSeconds) || durationSeconds < 0) {
      throw new IllegalArgumentException("durationSeconds is not a non-negative number: " + durationSeconds);
    }
  }

  private static SpokenWord readWord(Object entry, String name) {
    if (!(entry instanceof JsonObject json)) {
      throw new IllegalArgumentException(name + " is not an object");
    }
    Object text = json.getValue("word");
    if (text == null) {
      throw new IllegalArgumentException(name + ".word is missing");
    }
    if (!(text instanceof String string)) {
      throw new IllegalArgumentException(name + ".word is not a string");
    }
    if (string.isBlank()) {
      throw new IllegalArgumentException(name + ".word is blank");
    }
    double start = seconds(json, name, "start");
    double end = seconds(json, name, "end");
    if (end < start) {
      throw new IllegalArgumentException(name + ".end is before " + name + ".start");
    }
    return new SpokenWord(string.trim().toLowerCase(Locale.ROOT), start, end, confidence(json, name));
  }

  private static double seconds(JsonObject json, String name, String field) {
    double value = finiteNumber(json.getValue(field), name + "." + field);
    if (value < 0) {
      throw new IllegalArgumentException(name + "." + field + " is negative");
    }
    return value;
  }

  /** Absent means trusted, as the recogniser omits it when it has no doubt to report. */
  private static double confidence(JsonObject json, String name) {
    if (!json.containsKey("confidence")) {
      return 1.0;
    }
    double value = finiteNumber(json.getValue("confidence"), name + ".confidence");
    // Out of range usually means a percentage or another field slipped in, which would silently pass every word.
    if (value < 0 || value > 1) {
      throw new IllegalArgumentException(name + ".confidence is not between 0 and 1");
    }
    return value;
  }

  private static double finiteNumber(Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException(field + " is not a number");
    }
    double d = number.doubleValue();
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(field + " is not a finite number");
    }
    return d;
  }
}
