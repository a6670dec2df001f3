package io.atelier.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.transcripts.SubtitleWriter.Cue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubtitleWriterTest {

  private static long ms(double seconds) {
    return Math.round(seconds * 1000);
  }

  private static TimedWord w(String text, double start, double end) {
    return new TimedWord(text, start, end, 1.0);
  }

  // ---- timestamps and file layout ----

  @Test
  void timestampsAreZeroPaddedHoursMinutesSecondsAndMillis() {
    assertThat(SubtitleWriter.timestamp(0, ',')).isEqualTo("00:00:00,000");
    assertThat(SubtitleWriter.timestamp(1.5, '.')).isEqualTo("00:00:01.500");
    assertThat(SubtitleWriter.timestamp(3723.004, ',')).isEqualTo("01:02:03,004");
    assertThat(SubtitleWriter.timestamp(36_000, '.')).isEqualTo("10:00:00.000");
  }

  @Test
  void timestampsRoundToTheNearestMillisecondAndCarryIntoTheNextMinute() {
    assertThat(SubtitleWriter.timestamp(59.9995, ',')).isEqualTo("00:01:00,000");
    assertThat(SubtitleWriter.timestamp(59.9994, ',')).isEqualTo("00:00:59,999");
    assertThat(SubtitleWriter.timestamp(3599.9996, '.')).isEqualTo("01:00:00.000");
  }

  @Test
  void srtNumbersCuesFromOneAndSeparatesMillisWithACommaWhileVttUsesADot() {
    List<TimedWord> words = List.of(w("hello", 0.25, 0.5), w("world", 0.5, 1.0), w("again", 2.0, 3723.004));

    assertThat(SubtitleWriter.srt(words)).isEqualTo("""
        1
        00:00:00,250 --> 00:00:01,000
        hello world

        2
        00:00:02,000 --> 01:02:03,004
        again

        """);
    assertThat(SubtitleWriter.vtt(words)).isEqualTo("""
        WEBVTT

        00:00:00.250 --> 00:00:01.000
        hello world

        00:00:02.000 --> 01:02:03.004
        again

        """);
  }

  @Test
  void anEmptyWordListGivesAnEmptySrtAndAVttWithOnlyItsHeader() {
    assertThat(SubtitleWriter.cues(List.of())).isEmpty();
    assertThat(SubtitleWriter.srt(List.of())).isEmpty();
    assertThat(SubtitleWriter.vtt(List.of())).isEqualTo("WEBVTT\n\n");
  }

  @Test
  void vttCueTextIsEscapedMarkupButSrtWhichHasNoEscapesShortensItsArrows() {
    List<TimedWord> words = List.of(w("a-->b", 0, 1), w("--->", 1, 1.5), w("AT&T", 1.5, 2), w("<unk>", 2, 2.5));

    assertThat(SubtitleWriter.vtt(words)).isEqualTo(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\na-&gt;b -&gt; AT&amp;T &lt;unk&gt;\n\n");
    // Words "00:00:01,000", "-->" and "00:00:02,000" would otherwise make a line that readers take for a timing.
    assertThat(SubtitleWriter.srt(words)).contains("\na->b -> AT&T <unk>\n");
  }

  @Test
  void lineBreaksAndControlCharactersInAnEditedWordBecomeSpacesAndNeverEndTheCue() {
    List<TimedWord> words = List.of(w("one\n\ntwo", 0, 1), w("\u0000three\r", 1, 1.5), w("\u0085", 1.5, 2),
        w("four", 2, 2.5));

    assertThat(SubtitleWriter.srt(words)).isEqualTo("1\n00:00:00,000 --> 00:00:02,500\none two three four\n\n");
  }

  @Test
  void aPauseOfExactlyOneSecondInMillisecondTimingsBreaksTheCue() {
    // 1.001 - 0.001 is 0.9999999999999999 in binary floating point.
    assertThat(SubtitleWriter.cues(List.of(w("a", 0, 0.001), w("b", 1.001, 1.5)))).hasSize(2);
  }

  @Test
  void aCueOfExactlySevenSecondsInMillisecondTimingsIsNotSplit() {
    // 8.002 - 1.002 is 7.000000000000001 in binary floating point.
    assertThat(SubtitleWriter.cues(List.of(w("a", 1.002, 2), w("b", 2.1, 8.002)))).hasSize(1);
  }

  // ---- cue breaking rules ----

  @Test
  void cueBreaksAtAPauseOfOneSecond() {
    List<Cue> cues = SubtitleWriter.cues(List.of(w("one", 0, 0.5), w("two", 1.5, 2.0)));

    assertThat(cues).containsExactly(new Cue(0, 0.5, List.of("one")), new Cue(1.5, 2.0, List.of("two")));
  }

  @Test
  void aPauseJustUnderOneSecondKeepsTheWordsInOneCue() {
    List<Cue> cues = SubtitleWriter.cues(List.of(w("one", 0, 0.5), w("two", 1.4375, 2.0)));

    assertThat(cues).containsExactly(new Cue(0, 2.0, List.of("one two")));
  }

  @Test
  void cueBreaksWhenItsTextWouldNeedAThirdLine() {
    List<TimedWord> words = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      words.add(w("word-0000" + i, i * 0.25, (i + 1) * 0.25)); // 10 characters: three fit on a 42-character line
    }
    List<Cue> cues = SubtitleWriter.cues(words);

    assertThat(cues).containsExactly(
        new Cue(0, 1.5, List.of("word-00000 word-00001 word-00002", "word-00003 word-00004 word-00005")),
        new Cue(1.5, 1.75, List.of("word-00006")));
  }

  @Test
  void aLineMayHoldExactlyFortyTwoCharactersButNotFortyThree() {
    String twenty = "a".repeat(20);
    List<Cue> exact = SubtitleWriter.cues(List.of(w(twenty, 0, 1), w("b".repeat(21), 1, 2)));
    List<Cue> over = SubtitleWriter.cues(List.of(w(twenty, 0, 1), w("b".repeat(22), 1, 2)));

    assertThat(exact).singleElement().extracting(Cue::lines).isEqualTo(List.of(twenty + " " + "b".repeat(21)));
    assertThat(over).singleElement().extracting(Cue::lines).isEqualTo(List.of(twenty, "b".repeat(22)));
  }

  @Test
  void cueBreaksWhenItWouldLastLongerThanSevenSeconds() {
    List<TimedWord> words = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      words.add(w("w" + (char) ('a' + i), i * 0.5, (i + 1) * 0.5));
    }
    List<Cue> cues = SubtitleWriter.cues(words);

    assertThat(cues).hasSize(2);
    assertThat(cues.get(0).start()).isEqualTo(0.0);
    assertThat(cues.get(0).end()).isEqualTo(7.0); // exactly seven seconds is still allowed
    assertThat(cues.get(1)).isEqualTo(new Cue(7.0, 7.5, List.of("wo")));
  }

  @Test
  void aWordLongerThanALineGetsALineOfItsOwnAndAThirdLineStartsANewCue() {
    String huge = "x".repeat(50);
    List<Cue> cues = SubtitleWriter.cues(List.of(w("hi", 0, 0.25), w(huge, 0.25, 0.75), w("there", 0.75, 1.0)));

    assertThat(cues).containsExactly(new Cue(0, 0.75, List.of("hi", huge)), new Cue(0.75, 1.0, List.of("there")));
  }

  @Test
  void aSingleWordLongerThanSevenSecondsIsACueOfItsOwn() {
    List<Cue> cues = SubtitleWriter.cues(List.of(w("short", 0, 0.5), w("drawn-out", 0.5, 9.0), w("after", 9.0, 9.5)));

    assertThat(cues).containsExactly(new Cue(0, 0.5, List.of("short")), new Cue(0.5, 9.0, List.of("drawn-out")),
        new Cue(9.0, 9.5, List.of("after")));
  }

  // ---- properties over seeded random word lists ----

  /** Words as Vosk gives them: in order, not overlapping, millisecond timing; some long words, pauses near 1 s. */
  static List<TimedWord> randomWords(Random random, int count, long startMillis, int minDurationMillis) {
    List<TimedWord> words = new ArrayList<>();
    long t = startMillis;
    for (int i = 0; i < count; i++) {
      int roll = random.nextInt(20);
      t += roll < 12 ? random.nextInt(120) : roll < 17 ? random.nextInt(2500) : 950 + random.nextInt(100);
      long duration = random.nextInt(25) == 0 ? 4000 + random.nextInt(6000) : minDurationMillis + random.nextInt(700);
      words.add(new TimedWord(randomText(random), t / 1000.0, (t + duration) / 1000.0, random.nextDouble()));
      t += duration;
    }
    return words;
  }

  private static String randomText(Random random) {
    int length = random.nextInt(30) == 0 ? 38 + random.nextInt(30) : 1 + random.nextInt(12);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    if (length > 3 && random.nextInt(15) == 0) {
      text.setCharAt(length - 2, '\'');
    }
    return text.toString();
  }

  @Test
  void cuesKeepEveryWordOnceInOrderAndHonourTheLineAndDurationLimits() {
    for (long seed = 1; seed <= 3000; seed++) {
      Random random = new Random(seed);
      List<TimedWord> words = randomWords(random, random.nextInt(120), random.nextInt(5000), 0);
      checkCues(words, SubtitleWriter.cues(words), "seed " + seed);
    }
  }

  private static void checkCues(List<TimedWord> words, List<Cue> cues, String why) {
    int next = 0;
    List<TimedWord> previous = null;
    java.util.Set<Integer> segmentStarts = new java.util.HashSet<>();
    int index = 0;
    for (TranscriptSegments.Segment segment : TranscriptSegments.of(words)) {
      segmentStarts.add(index);
      index += segment.words().size();
    }
    for (Cue cue : cues) {
      assertThat(cue.lines()).as(why).hasSizeBetween(1, 2);
      for (String line : cue.lines()) {
        assertThat(line.length() <= SubtitleWriter.MAX_LINE || !line.contains(" ")).as(why + " line " + line).isTrue();
      }
      if (cue.lines().size() == 2) { // greedy wrapping: the second line's first word did not fit on the first
        String firstOfSecond = cue.lines().get(1).split(" ")[0];
        assertThat(cue.lines().get(0).length() + 1 + firstOfSecond.length()).as(why).isGreaterThan(42);
      }
      List<String> tokens = Arrays.asList(String.join(" ", cue.lines()).split(" "));
      assertThat(next + tokens.size()).as(why + ": more words in cues than spoken").isLessThanOrEqualTo(words.size());
      List<TimedWord> mine = words.subList(next, next + tokens.size());
      assertThat(tokens).as(why).isEqualTo(mine.stream().map(TimedWord::word).toList());
      next += tokens.size();

      TimedWord first = mine.get(0);
      TimedWord last = mine.get(mine.size() - 1);
      assertThat(cue.start()).as(why).isEqualTo(first.start());
      assertThat(cue.end()).as(why).isEqualTo(last.end());
      // The limits hold in whole milliseconds, the resolution of the timings.
      assertThat(ms(last.end()) - ms(first.start()) <= ms(SubtitleWriter.MAX_CUE_SECONDS) || mine.size() == 1).as(why).isTrue();
      for (int i = 1; i < mine.size(); i++) {
        assertThat(ms(mine.get(i).start()) - ms(mine.get(i - 1).end())).as(why + ": pause inside a cue").isLessThan(1000);
      }
      if (previous != null) {
        TimedWord lastBefore = previous.get(previous.size() - 1);
        assertThat(lastBefore.end()).as(why + ": cues overlap").isLessThanOrEqualTo(first.start());
        List<String> joined = new ArrayList<>(previous.stream().map(TimedWord::word).toList());
        joined.add(first.word());
        boolean broken = ms(first.start()) - ms(lastBefore.end()) >= ms(TranscriptSegments.PAUSE_SECONDS)
            || segmentStarts.contains(next - tokens.size())
            || ms(first.end()) - ms(previous.get(0).start()) > ms(SubtitleWriter.MAX_CUE_SECONDS)
            || !fitsOnTwoLines(joined);
        assertThat(broken).as(why + ": cue broken before '" + first.word() + "' without a reason").isTrue();
      }
      previous = mine;
    }
    assertThat(next).as(why + ": every word appears in a cue").isEqualTo(words.size());
  }

  /** Reference for the line rule, independent of the greedy wrapper: some split gives two lines that each fit. */
  private static boolean fitsOnTwoLines(List<String> tokens) {
    for (int split = 1; split <= tokens.size(); split++) {
      if (fitsOnALine(tokens.subList(0, split)) && fitsOnALine(tokens.subList(split, tokens.size()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean fitsOnALine(List<String> tokens) {
    return tokens.size() <= 1 || String.join(" ", tokens).length() <= SubtitleWriter.MAX_LINE;
  }

  // ---- differential: ffmpeg's own SubRip and WebVTT demuxers read what we write ----

  @Test
  void ffmpegReadsTheSameCuesWithTheSameTimesFromTheSrtAndTheVtt(@TempDir Path dir) throws Exception {
    // Starts just before the hour so that cues cross 01:00:00.
    List<TimedWord> words = randomWords(new Random(20240611), 400, 3_590_000, 40);
    List<Cue> cues = SubtitleWriter.cues(words);
    assertThat(cues.size()).isGreaterThan(50);
    List<List<Long>> expected = cues.stream()
        .map(c -> List.of(Math.round(c.start() * 1000), Math.round(c.end() * 1000) - Math.round(c.start() * 1000)))
        .toList();
    String srt = SubtitleWriter.srt(words);
    Path srtFile = Files.writeString(dir.resolve("words.srt"), srt);
    Path vttFile = Files.writeString(dir.resolve("words.vtt"), SubtitleWriter.vtt(words));

    assertThat(packetTimes(srtFile)).isEqualTo(expected);
    assertThat(packetTimes(vttFile)).isEqualTo(expected);
    // ffmpeg re-writing either file as SubRip gives back our SubRip text, cue for cue and line for line.
    assertThat(reencodedAsSrt(srtFile)).isEqualTo(srt);
    assertThat(reencodedAsSrt(vttFile)).isEqualTo(srt);
  }

  private static List<List<Long>> packetTimes(Path subtitles) throws Exception {
    JsonArray packets = new JsonObject(runText("ffprobe", "-v", "error", "-of", "json", "-show_packets",
        "-show_entries", "packet=pts_time,duration_time", subtitles.toString())).getJsonArray("packets");
    List<List<Long>> times = new ArrayList<>();
    for (int i = 0; i < packets.size(); i++) {
      JsonObject packet = packets.getJsonObject(i);
      times.add(List.of(Math.round(Double.parseDouble(packet.getString("pts_time")) * 1000),
          Math.round(Double.parseDouble(packet.getString("duration_time")) * 1000)));
    }
    return times;
  }

  private static String reencodedAsSrt(Path subtitles) throws Exception {
    return runText("ffmpeg", "-nostdin", "-v", "error", "-i", subtitles.toString(), "-f", "srt", "-")
        .replace("\r\n", "\n");
  }

  /** Runs ffmpeg or ffprobe (Debian's), failing the test unless it succeeds; what it printed. */
  private static String runText(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
