package io.atelier.transcription;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A recording decoded to 16 kHz mono 16-bit little-endian PCM in a scratch file, with the loudness of each
 * {@value #FRAME_MILLIS} ms frame (the mean absolute sample), which is what the chunk planner looks for silences in.
 */
final class PcmAudio {

  static final int SAMPLE_RATE = FfmpegAudioDecoder.SAMPLE_RATE;
  static final int BYTES_PER_SECOND = SAMPLE_RATE * 2;
  static final int FRAME_MILLIS = 10;
  static final int FRAME_SAMPLES = SAMPLE_RATE * FRAME_MILLIS / 1000;

  private final Path file;
  private final long bytes;
  private final float[] frameLoudness;

  PcmAudio(Path file, long bytes, float[] frameLoudness) {
    this.file = file;
    this.bytes = bytes;
    this.frameLoudness = frameLoudness;
  }

  Path file() {
    return file;
  }

  long bytes() {
    return bytes;
  }

  double seconds() {
    return bytes / (double) BYTES_PER_SECOND;
  }

  /** Mean absolute sample of each frame; the last frame may be shorter. */
  float[] frameLoudness() {
    return frameLoudness;
  }

  /** Reads {@code length} bytes from {@code offset} into {@code buffer}; returns how many it read. Blocking. */
  static int read(RandomAccessFile pcm, long offset, byte[] buffer, int length) throws IOException {
    pcm.seek(offset);
    int total = 0;
    while (total < length) {
      int n = pcm.read(buffer, total, length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** Writes the PCM between two byte offsets as a WAV file (for engines that take a file). Blocking. */
  void writeWav(long from, long to, OutputStream out) throws IOException {
    long length = to - from;
    byte[] header = new byte[44];
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + length))
        .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) 1).putInt(SAMPLE_RATE).putInt(BYTES_PER_SECOND).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) length);
    out.write(header);
    try (RandomAccessFile pcm = new RandomAccessFile(file.toFile(), "r")) {
      byte[] buffer = new byte[64 * 1024];
      for (long at = from; at < to; ) {
        int n = read(pcm, at, buffer, (int) Math.min(buffer.length, to - at));
        if (n <= 0) {
          break;
        }
        out.write(buffer, 0, n);
        at += n;
      }
    }
  }

  /** Builds a {@link PcmAudio} from decoded PCM handed over in pieces of whole samples. */
  static final class Writer implements FfmpegAudioDecoder.PcmSink, AutoCloseable {

    private final Path file;
    private final OutputStream out;
    private float[] loudness = new float[1024];
    private int frames;
    private long frameSum;
    private int frameFill;
    private long bytes;

    Writer(Path file) throws IOException {
      this.file = file;
      this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    @Override
    public void accept(byte[] buffer, int length) {
      try {
        out.write(buffer, 0, length);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      bytes += length;
      for (int i = 0; i + 1 < length; i += 2) {
        frameSum += Math.abs((short) ((buffer[i] & 0xff) | (buffer[i + 1] << 8)));
        if (++frameFill == FRAME_SAMPLES) {
          endFrame();
        }
      }
    }

    private void endFrame() {
      if (frames == loudness.length) {
        loudness = Arrays.copyOf(loudness, frames * 2);
      }
      loudness[frames++] = frameSum / (float) frameFill;
      frameSum = 0;
      frameFill = 0;
    }

    PcmAudio finish() throws IOException {
      if (frameFill > 0) {
        endFrame();
      }
      out.close();
      return new PcmAudio(file, bytes, Arrays.copyOf(loudness, frames));
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
