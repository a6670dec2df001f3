package io.atelier.transcription;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long recording into chunks that recognisers can take in parallel. Cuts fall at silences, so that no word
 * is cut in two: near each evenly spaced ideal cut, within {@value #SEARCH_SECONDS} s either side (a quarter of a
 * chunk for short chunks), in the middle of the longest run of frames no louder than the recording's noise floor. The number of chunks is
 * a multiple of the recognisers that will take them, so none waits for another's last chunk.
 */
final class SpeechChunks {

  static final double SEARCH_SECONDS = 5;
  static final int QUIET_WINDOW_MILLIS = 300;
  /** A silence shorter than this (150 ms) may be the closure of a stop consonant inside a word, not a pause. */
  static final int MIN_PAUSE_FRAMES = 15;

  /** The PCM bytes {@code [from, to)} of the recording; the chunk's words are timed from {@code from}. */
  record Chunk(int index, long from, long to) {

    double startSeconds() {
      return from / (double) PcmAudio.BYTES_PER_SECOND;
    }

    double seconds() {
      return (to - from) / (double) PcmAudio.BYTES_PER_SECOND;
    }
  }

  private SpeechChunks() {
  }

  /**
   * Loudness at or below which a frame counts as silence: twice the recording's noise floor (its 10th percentile), or
   * an eighth of the way from it to the median if that is higher (a noisy floor).
   */
  static float silenceThreshold(float[] loudness) {
    float[] sorted = loudness.clone();
    java.util.Arrays.sort(sorted);
    float floor = sorted[sorted.length / 10];
    float median = sorted[sorted.length / 2];
    return Math.max(2 * floor, floor + (median - floor) / 8);
  }

  /** How many silent frames in a row {@code frame} is part of (0 if it is not silent). */
  static int silentRun(float[] loudness, int frame, float threshold) {
    if (loudness[frame] > threshold) {
      return 0;
    }
    int from = frame;
    int to = frame;
    while (from > 0 && loudness[from - 1] <= threshold) {
      from--;
    }
    while (to + 1 < loudness.length && loudness[to + 1] <= threshold) {
      to++;
    }
    return to - from + 1;
  }

  /**
   * The frame to cut at within {@code [from, to]}: the middle of the longest run of silent frames (the one nearest
   * {@code ideal} among equals), or, with no silent frame there, the middle of the quietest
   * {@value #QUIET_WINDOW_MILLIS} ms.
   */
  static int quietest(float[] loudness, int from, int to, int ideal, float threshold) {
    int best = -1;
    int bestLength = 0;
    for (int i = from; i <= to; ) {
      if (loudness[i] > threshold) {
        i++;
        continue;
      }
      int end = i;
      while (end + 1 <= to && loudness[end + 1] <= threshold) {
        end++;
      }
      int length = end - i + 1;
      int middle = (i + end) / 2;
      if (length > bestLength || length == bestLength && Math.abs(middle - ideal) < Math.abs(best - ideal)) {
        best = middle;
        bestLength = length;
      }
      i = end + 1;
    }
    if (best >= 0) {
      return best;
    }
    int half = QUIET_WINDOW_MILLIS / PcmAudio.FRAME_MILLIS / 2;
    double bestMean = Double.MAX_VALUE;
    best = Math.max(from, Math.min(ideal, to));
    for (int i = from; i <= to; i++) {
      double sum = 0;
      int lo = Math.max(0, i - half);
      int hi = Math.min(loudness.length, i + half);
      for (int j = lo; j < hi; j++) {
        sum += loudness[j];
      }
      double mean = sum / (hi - lo);
      if (mean < bestMean || mean == bestMean && Math.abs(i - ideal) < Math.abs(best - ideal)) {
        bestMean = mean;
        best = i;
      }
    }
    return best;
  }

  /**
   * The chunks of {@code audio}: one for a recording of at most {@code splitAboveSeconds} or with one recogniser,
   * else a multiple of {@code recognisers} chunks of at most about {@code maxChunkSeconds} each.
   */
  static List<Chunk> plan(PcmAudio audio, double splitAboveSeconds, double maxChunkSeconds, int recognisers) {
    float[] loudness = audio.frameLoudness();
    int frames = loudness.length;
    if (recognisers < 2 || audio.seconds() <= splitAboveSeconds || frames < 2) {
      return List.of(new Chunk(0, 0, audio.bytes()));
    }
    int count = (int) Math.ceil(audio.seconds() / maxChunkSeconds);
    count = ((count + recognisers - 1) / recognisers) * recognisers;
    float threshold = silenceThreshold(loudness);
    int reach = (int) Math.min(SEARCH_SECONDS * 1000 / PcmAudio.FRAME_MILLIS, frames / (double) count / 4);
    List<Chunk> chunks = new ArrayList<>();
    int previousCut = 0;
    for (int k = 1; k < count; k++) {
      int ideal = (int) Math.round(k * (double) frames / count);
      int from = Math.max(previousCut + 1, ideal - reach);
      int to = Math.min(frames - 1, ideal + reach);
      if (from > to) {
        continue;
      }
      int at = quietest(loudness, from, to, ideal, threshold);
      if (silentRun(loudness, at, threshold) < MIN_PAUSE_FRAMES) {
        // Only a stop consonant's closure nearby: look twice as far for a real pause (within half a chunk).
        int wider = Math.min(2 * reach, (int) (frames / (double) count / 2) - 1);
        int widerAt = quietest(loudness, Math.max(previousCut + 1, ideal - wider), Math.min(frames - 1, ideal + wider),
            ideal, threshold);
        if (silentRun(loudness, widerAt, threshold) > silentRun(loudness, at, threshold)) {
          at = widerAt;
        }
      }
      long cut = Math.min(audio.bytes(), (long) at * PcmAudio.FRAME_SAMPLES * 2);
      long start = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).to();
      if (cut > start) {
        chunks.add(new Chunk(chunks.size(), start, cut));
        previousCut = (int) (cut / 2 / PcmAudio.FRAME_SAMPLES);
      }
    }
    long start = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).to();
    chunks.add(new Chunk(chunks.size(), start, audio.bytes()));
    return chunks;
  }
}
