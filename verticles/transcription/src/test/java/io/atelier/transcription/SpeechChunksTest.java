package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechChunksTest {

  /** Loudness of speech (bursts of 200 to 900 ms, with 60 ms stop closures) and pauses of 200 to 800 ms. */
  private static float[] speech(Random random, int frames) {
    float[] loudness = new float[frames];
    int i = 0;
    while (i < frames) {
      int talk = 20 + random.nextInt(70);
      for (int j = 0; j < talk && i < frames; j++, i++) {
        loudness[i] = j % 25 < 6 && j > 10 ? 80 + random.nextInt(40) : 1500 + random.nextInt(2000);
      }
      int pause = 20 + random.nextInt(60);
      for (int j = 0; j < pause && i < frames; j++, i++) {
        loudness[i] = 60 + random.nextInt(60);
      }
    }
    return loudness;
  }

  @Test
  void chunksCoverTheRecordingInOrderAndCutOnlyInPauses() {
    for (long seed = 1; seed <= 300; seed++) {
      Random random = new Random(seed);
      int frames = 6_000 + random.nextInt(60_000);
      float[] loudness = speech(random, frames);
      long bytes = (long) frames * PcmAudio.FRAME_SAMPLES * 2 - random.nextInt(PcmAudio.FRAME_SAMPLES) * 2;
      PcmAudio audio = new PcmAudio(Path.of("unused"), bytes, loudness);
      int recognisers = 2 + random.nextInt(3);
      List<SpeechChunks.Chunk> chunks = SpeechChunks.plan(audio, 60, 30, recognisers);
      String why = "seed " + seed;
      assertThat(chunks.size() % recognisers).as(why).isZero();
      assertThat(chunks.get(0).from()).isZero();
      assertThat(chunks.get(chunks.size() - 1).to()).as(why).isEqualTo(bytes);
      for (int i = 0; i < chunks.size(); i++) {
        SpeechChunks.Chunk chunk = chunks.get(i);
        assertThat(chunk.index()).isEqualTo(i);
        assertThat(chunk.to()).as(why).isGreaterThan(chunk.from());
        assertThat(chunk.seconds()).as(why).isLessThanOrEqualTo(30 + 2 * SpeechChunks.SEARCH_SECONDS);
        assertThat(chunk.from() % 2).as(why + ": whole samples").isZero();
        if (i > 0) {
          assertThat(chunk.from()).as(why).isEqualTo(chunks.get(i - 1).to());
          int frame = (int) (chunk.from() / 2 / PcmAudio.FRAME_SAMPLES);
          assertThat(SpeechChunks.silentRun(loudness, frame, SpeechChunks.silenceThreshold(loudness)))
              .as(why + ": cut at frame " + frame + " is in a pause").isGreaterThanOrEqualTo(20);
        }
      }
    }
  }

  @Test
  void aShortRecordingOrOneRecogniserIsOneChunk() {
    float[] loudness = speech(new Random(1), 12_000);
    PcmAudio audio = new PcmAudio(Path.of("unused"), 12_000L * PcmAudio.FRAME_SAMPLES * 2, loudness);
    assertThat(SpeechChunks.plan(audio, 120, 30, 2)).hasSize(1);
    assertThat(SpeechChunks.plan(audio, 60, 30, 1)).hasSize(1);
    assertThat(SpeechChunks.plan(audio, 60, 30, 2)).hasSize(4);
  }

  @Test
  void continuousSoundIsStillCutAtItsQuietestPoint() {
    float[] loudness = new float[12_000];
    java.util.Arrays.fill(loudness, 2000);
    loudness[3_000] = 10;
    loudness[3_001] = 10;
    PcmAudio audio = new PcmAudio(Path.of("unused"), 12_000L * PcmAudio.FRAME_SAMPLES * 2, loudness);
    List<SpeechChunks.Chunk> chunks = SpeechChunks.plan(audio, 60, 30, 2);
    assertThat(chunks).hasSize(4);
    assertThat(chunks.get(1).from() / 2 / PcmAudio.FRAME_SAMPLES).isBetween(2_999L, 3_002L);
  }
}
