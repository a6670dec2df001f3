package io.atelier.enrichment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/** English function words, read once from {@code stopwords-en.txt} next to this class. */
final class StopWords {

  private static final String RESOURCE = "stopwords-en.txt";
  private static final Set<String> WORDS = load();

  private StopWords() {
  }

  static boolean contains(String word) {
    return WORDS.contains(word);
  }

  private static Set<String> load() {
    InputStream in = StopWords.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("the stop-word list " + RESOURCE + " is not on the class path");
    }
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stop-word list " + RESOURCE, e);
    }
  }
}
