package io.atelier.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TranscriptSegmentsTest {

  @Test
  void segmentsKeepEveryWordOnceInOrderAndEndOnlyAtAPauseOrTheLengthLimit() {
    for (long seed = 1; seed <= 3000; seed++) {
      Random random = new Random(seed);
      List<TimedWord> words = SubtitleWriterTest.randomWords(random, random.nextInt(300), random.nextInt(5000), 0);
      List<TranscriptSegments.Segment> segments = TranscriptSegments.of(words);
      String why = "seed " + seed;
      List<TimedWord> joined = new ArrayList<>();
      for (int s = 0; s < segments.size(); s++) {
        TranscriptSegments.Segment segment = segments.get(s);
        assertThat(segment.id()).as(why).isEqualTo(s);
        assertThat(segment.start()).as(why).isEqualTo(segment.words().get(0).start());
        assertThat(segment.end()).as(why).isEqualTo(segment.words().get(segment.words().size() - 1).end());
        for (int i = 1; i < segment.words().size(); i++) {
          assertThat(ms(segment.words().get(i).start()) - ms(segment.words().get(i - 1).end()))
              .as(why + ": a pause inside segment " + s).isLessThan(1000);
        }
        assertThat(ms(segment.end()) - ms(segment.start()) <= 30_000 || segment.words().size() == 1)
            .as(why + ": segment " + s + " too long").isTrue();
        if (s > 0) {
          TimedWord lastBefore = segments.get(s - 1).words().get(segments.get(s - 1).words().size() - 1);
          TimedWord first = segment.words().get(0);
          boolean reason = ms(first.start()) - ms(lastBefore.end()) >= 1000
              || ms(first.end()) - ms(segments.get(s - 1).start()) > 30_000;
          assertThat(reason).as(why + ": segment " + s + " began without a reason").isTrue();
        }
        joined.addAll(segment.words());
      }
      assertThat(joined).as(why).isEqualTo(words);
    }
  }

  @Test
  void noWordsNoSegments() {
    assertThat(TranscriptSegments.of(List.of())).isEmpty();
  }

  private static long ms(double seconds) {
    return Math.round(seconds * 1000);
  }
}
