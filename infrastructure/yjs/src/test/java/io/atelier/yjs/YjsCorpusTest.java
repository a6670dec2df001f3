package io.atelier.yjs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java port against Yjs's answers stored in {@code src/test/resources/yjs-corpus} (written by
 * {@code src/test/js/corpus.mjs}), so a disagreement reproduces without Node.
 */
class YjsCorpusTest {

  @Test
  void javaGivesYjsAnswersOnTheStoredRandomHistories() throws IOException {
    assertThat(disagreements("histories.json", "seed")).isEmpty();
  }

  @Test
  void javaNormalisesHandMadeUpdatesExactlyAsYjsDoes() throws IOException {
    assertThat(disagreements("crafted.json", "title")).isEmpty();
  }

  private static List<String> disagreements(String file, String label) throws IOException {
    JsonArray histories = load(file).getJsonArray("histories");
    assertThat(histories).isNotEmpty();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < histories.size(); i++) {
      JsonObject history = histories.getJsonObject(i);
      List<String> problems = new HistoryCases(history).check();
      if (!problems.isEmpty()) {
        failures.add(file + " #" + i + " (" + label + " " + history.getValue(label) + "):\n  "
            + String.join("\n  ", problems));
      }
    }
    return failures;
  }

  private static JsonObject load(String file) throws IOException {
    try (InputStream in = YjsCorpusTest.class.getResourceAsStream("/yjs-corpus/" + file)) {
      assertThat(in).as("corpus file " + file).isNotNull();
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
