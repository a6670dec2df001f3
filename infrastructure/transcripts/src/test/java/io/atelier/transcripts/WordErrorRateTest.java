package io.atelier.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordErrorRateTest {

  @Test
  void countsSubstitutionsDeletionsAndInsertions() {
    assertThat(WordErrorRate.errors(w("a b c"), w("a b c"))).isZero();
    assertThat(WordErrorRate.errors(w("a b c"), w("a x c"))).isEqualTo(1);
    assertThat(WordErrorRate.errors(w("a b c"), w("a c"))).isEqualTo(1);
    assertThat(WordErrorRate.errors(w("a b c"), w("a b b c"))).isEqualTo(1);
    assertThat(WordErrorRate.errors(w("a b c"), w(""))).isEqualTo(3);
    assertThat(WordErrorRate.errors(w(""), w("a b"))).isEqualTo(2);
    assertThat(WordErrorRate.errors(w("the cat sat on the mat"), w("cat sat in the hat"))).isEqualTo(3);
  }

  @Test
  void normalisesCaseAndPunctuation() {
    assertThat(WordErrorRate.words("He was NOT, an ill-disposed man.")).containsExactly("he", "was", "not", "an", "ill", "disposed", "man");
  }

  /** The distance is a metric: symmetric, zero only for equal texts, and bounded by the longer length. */
  @Test
  void behavesAsAnEditDistanceOnRandomTexts() {
    Random random = new Random(42);
    for (int round = 0; round < 2_000; round++) {
      List<String> a = randomWords(random);
      List<String> b = randomWords(random);
      int ab = WordErrorRate.errors(a, b);
      assertThat(ab).isEqualTo(WordErrorRate.errors(b, a));
      assertThat(ab).isBetween(Math.abs(a.size() - b.size()), Math.max(a.size(), b.size()));
      assertThat(ab == 0).isEqualTo(a.equals(b));
      List<String> c = randomWords(random);
      assertThat(ab).isLessThanOrEqualTo(WordErrorRate.errors(a, c) + WordErrorRate.errors(c, b));
    }
  }

  private static List<String> randomWords(Random random) {
    List<String> words = new ArrayList<>();
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      words.add(String.valueOf((char) ('a' + random.nextInt(3))));
    }
    return words;
  }

  private static List<String> w(String text) {
    return WordErrorRate.words(text);
  }
}
