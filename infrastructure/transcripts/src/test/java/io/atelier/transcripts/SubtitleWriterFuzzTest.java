package io.atelier.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the SRT and WebVTT writers on arbitrary transcripts (an edited transcript's words may
 * hold any text): the output is always well-formed, one block per cue — an index (SRT), a timing line, one or two
 * non-empty text lines that no reader could take for a timing line or the end of the cue.
 */
class SubtitleWriterFuzzTest {

  private static final Pattern SRT_TIMING = Pattern.compile("\\d{2,}:\\d{2}:\\d{2},\\d{3} --> \\d{2,}:\\d{2}:\\d{2},\\d{3}");
  private static final Pattern VTT_TIMING = Pattern.compile("\\d{2,}:\\d{2}:\\d{2}\\.\\d{3} --> \\d{2,}:\\d{2}:\\d{2}\\.\\d{3}");

  @FuzzTest(maxDuration = "5s")
  void anyTranscriptIsWrittenAsWellFormedSubtitles(FuzzedDataProvider data) {
    List<TimedWord> words = new ArrayList<>();
    double at = 0;
    int count = data.consumeInt(0, 60);
    for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
      String text = data.consumeString(16);
      at += data.consumeInt(0, 3000) / 1000.0;
      double end = at + data.consumeInt(0, 2000) / 1000.0;
      try {
        words.add(new TimedWord(text, at, end, 1.0));
      } catch (IllegalArgumentException refused) {
        continue;
      }
      at = end;
    }
    int cues = SubtitleWriter.cues(words).size();
    checkBlocks(SubtitleWriter.srt(words), 3, SRT_TIMING, cues);
    String vtt = SubtitleWriter.vtt(words);
    assertThat(vtt).startsWith("WEBVTT\n\n");
    checkBlocks(vtt.substring("WEBVTT\n\n".length()), 2, VTT_TIMING, cues);
  }

  /** Blocks end with an empty line; each has its header lines, then one or two lines of text. */
  private static void checkBlocks(String text, int headerAndFirstLine, Pattern timing, int cues) {
    if (cues == 0) {
      assertThat(text).isEmpty();
      return;
    }
    assertThat(text).endsWith("\n\n");
    String[] blocks = text.substring(0, text.length() - 2).split("\n\n", -1);
    assertThat(blocks).hasSize(cues);
    for (int i = 0; i < blocks.length; i++) {
      String[] lines = blocks[i].split("\n", -1);
      assertThat(lines.length).as("block %d: %s", i, blocks[i]).isBetween(headerAndFirstLine, headerAndFirstLine + 1);
      int timingLine = headerAndFirstLine - 2;
      if (timingLine == 1) {
        assertThat(lines[0]).isEqualTo(Integer.toString(i + 1));
      }
      assertThat(lines[timingLine]).as("block %d", i).matches(timing);
      for (int l = timingLine + 1; l < lines.length; l++) {
        assertThat(lines[l]).as("block %d line %d", i, l).isNotBlank().doesNotContain("-->").doesNotContain("\r");
      }
    }
  }
}
