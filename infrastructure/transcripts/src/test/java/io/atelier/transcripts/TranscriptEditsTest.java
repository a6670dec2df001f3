package io.atelier.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Edited transcripts keep the times of the words they kept; new words take the time of what they replaced. */
class TranscriptEditsTest {

  private static List<TimedWord> recognised(String... words) {
    List<TimedWord> timed = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      timed.add(new TimedWord(words[i], i, i + 0.8, 0.9));
    }
    return timed;
  }

  @Test
  void anUneditedTranscriptKeepsEveryTime() {
    List<TimedWord> words = recognised("the", "quick", "brown", "fox");
    assertThat(TranscriptEdits.retime(words, "the quick brown fox", 4)).isEqualTo(words);
  }

  @Test
  void aCorrectedWordTakesTheTimeOfTheWordItReplacesAndCaseOrPunctuationDoNotCountAsEdits() {
    List<TimedWord> retimed = TranscriptEdits.retime(recognised("the", "quick", "brawn", "fox"),
        "The quick brown fox.", 4);
    assertThat(retimed).extracting(TimedWord::word).containsExactly("The", "quick", "brown", "fox.");
    assertThat(retimed.get(0).start()).isEqualTo(0);
    assertThat(retimed.get(2).start()).isEqualTo(2);
    assertThat(retimed.get(2).end()).isEqualTo(2.8);
    assertThat(retimed.get(2).confidence()).isEqualTo(TranscriptEdits.TYPED);
    assertThat(retimed.get(3).start()).isEqualTo(3);
  }

  @Test
  void wordsInsertedIntoAPauseShareThePauseAndWordsReplacingSeveralShareTheirSpan() {
    List<TimedWord> inserted = TranscriptEdits.retime(recognised("one", "two"), "one and a two", 2);
    assertThat(inserted).extracting(TimedWord::word).containsExactly("one", "and", "a", "two");
    assertThat(inserted.get(1).start()).isEqualTo(0.8);
    assertThat(inserted.get(2).end()).isEqualTo(1.0);

    List<TimedWord> replaced = TranscriptEdits.retime(recognised("a", "b", "c", "d"), "a x d", 4);
    assertThat(replaced.get(1).start()).isEqualTo(1.0);
    assertThat(replaced.get(1).end()).isEqualTo(2.8);
  }

  @Test
  void timesStayInOrderWhateverTheEdit() {
    Random random = new Random(11);
    String[] vocabulary = {"a", "b", "c", "d", "e", "f"};
    for (int round = 0; round < 2000; round++) {
      String[] original = new String[random.nextInt(30)];
      for (int i = 0; i < original.length; i++) {
        original[i] = vocabulary[random.nextInt(vocabulary.length)];
      }
      StringBuilder edited = new StringBuilder();
      for (int i = 0, n = random.nextInt(35); i < n; i++) {
        edited.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
      }
      List<TimedWord> retimed = TranscriptEdits.retime(recognised(original), edited.toString(), original.length);
      assertThat(retimed).hasSize(edited.toString().isBlank() ? 0 : edited.toString().trim().split(" +").length);
      for (int i = 1; i < retimed.size(); i++) {
        assertThat(retimed.get(i).start()).as("round %d word %d", round, i)
            .isGreaterThanOrEqualTo(retimed.get(i - 1).start());
      }
    }
  }

  @Test
  void theAlignmentIsALongestCommonSubsequence() {
    Random random = new Random(5);
    for (int round = 0; round < 500; round++) {
      List<String> a = new ArrayList<>();
      List<String> b = new ArrayList<>();
      for (int i = random.nextInt(40); i > 0; i--) {
        a.add(String.valueOf((char) ('a' + random.nextInt(4))));
      }
      for (int i = random.nextInt(40); i > 0; i--) {
        b.add(String.valueOf((char) ('a' + random.nextInt(4))));
      }
      int[] match = WordAlignment.match(a, b);
      int matched = 0;
      int last = -1;
      for (int j = 0; j < match.length; j++) {
        if (match[j] >= 0) {
          assertThat(match[j]).isGreaterThan(last);
          assertThat(a.get(match[j])).isEqualTo(b.get(j));
          last = match[j];
          matched++;
        }
      }
      assertThat(matched).as("round %d", round).isEqualTo(lcsLength(a, b));
    }
  }

  private static int lcsLength(List<String> a, List<String> b) {
    int[][] table = new int[a.size() + 1][b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      for (int j = 1; j <= b.size(); j++) {
        table[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? table[i - 1][j - 1] + 1
            : Math.max(table[i - 1][j], table[i][j - 1]);
      }
    }
    return table[a.size()][b.size()];
  }
}
