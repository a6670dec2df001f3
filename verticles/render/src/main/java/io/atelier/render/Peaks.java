package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.render.PeaksSpec;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code peaks} kind: waveform data for web players ({@link WaveformPeaks}) from the asset's first audio stream,
 * decoded by ffmpeg to 16-bit PCM at its own sample rate and channels, read from ffmpeg's output as a WAV stream
 * (whose header says what the decoder made) and never stored whole.
 */
final class Peaks implements MediaRenderer {

  static final String JSON = "peaks.json";
  static final String BINARY = "peaks.dat";
  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;
  private static final int READ_BYTES = 64 * 1024;

  private final Ffmpeg ffmpeg;

  Peaks(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    PeaksSpec spec = PeaksSpec.from(input.params());
    MediaRenderer.requireAudio(input);
    WaveformPeaks[] peaks = new WaveformPeaks[1];
    ffmpeg.run(List.of("-i", input.media().toString(), "-map", "0:a:0", "-c:a", "pcm_s16le", "-fflags", "+bitexact",
        "-f", "wav", "pipe:1"), input.seconds(), control, input.scratch(), "decode the audio for its peaks",
        stdout -> peaks[0] = read(stdout, spec, input.seconds(), control));
    if (peaks[0] == null || peaks[0].length() == 0) {
      throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "ffmpeg decoded no audio samples from the asset");
    }
    Path json = Files.write(input.scratch().resolve(JSON), peaks[0].json(spec.bits()));
    Path binary = Files.write(input.scratch().resolve(BINARY), peaks[0].binary(spec.bits()));
    return List.of(new Output(JSON, json, "application/json"),
        new Output(BINARY, binary, "application/octet-stream"));
  }

  /** Reads a WAV stream of 16-bit PCM into waveform data; null when the stream ends before its samples. */
  static WaveformPeaks read(InputStream stream, PeaksSpec spec, double seconds, JobControl control)
      throws IOException {
    DataInputStream in = new DataInputStream(stream);
    byte[] riff = new byte[12];
    try {
      in.readFully(riff);
    } catch (EOFException empty) {
      return null;
    }
    if (!ascii(riff, 0).equals("RIFF") || !ascii(riff, 8).equals("WAVE")) {
      throw new IOException("ffmpeg's output is not a WAV stream");
    }
    int channels = 0;
    int sampleRate = 0;
    while (true) {
      byte[] chunk = new byte[8];
      in.readFully(chunk);
      String id = ascii(chunk, 0);
      long size = Integer.toUnsignedLong(ByteBuffer.wrap(chunk, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
      if (id.equals("fmt ")) {
        byte[] fmt = new byte[(int) size + (int) (size & 1)];
        in.readFully(fmt);
        ByteBuffer format = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN);
        int tag = Short.toUnsignedInt(format.getShort(0));
        channels = Short.toUnsignedInt(format.getShort(2));
        sampleRate = format.getInt(4);
        int bits = Short.toUnsignedInt(format.getShort(14));
        if ((tag != FORMAT_PCM && tag != FORMAT_EXTENSIBLE) || bits != 16) {
          throw new IOException("ffmpeg's WAV stream is not 16-bit PCM (format " + tag + ", " + bits + " bits)");
        }
      } else if (id.equals("data")) {
        if (channels == 0) {
          throw new IOException("ffmpeg's WAV stream has its samples before its format");
        }
        // Written to a pipe, the size cannot be filled in afterwards: 0 or 0xFFFFFFFF then mean "to the end".
        long limit = size == 0 || size == 0xFFFF_FFFFL ? Long.MAX_VALUE : size;
        return samples(in, limit, channels, sampleRate, spec, seconds, control);
      } else {
        in.skipNBytes(size + (size & 1));
      }
    }
  }

  private static WaveformPeaks samples(InputStream in, long limit, int channels, int sampleRate, PeaksSpec spec,
                                       double seconds, JobControl control) throws IOException {
    if (channels > WaveformPeaks.MAX_CHANNELS) {
      throw new JobFailedException(ErrorCode.INVALID_INPUT, "the audio has " + channels + " channels; waveform "
          + "data has at most " + WaveformPeaks.MAX_CHANNELS);
    }
    WaveformPeaks peaks = new WaveformPeaks(channels, sampleRate, spec.samplesPerPixel(), spec.splitChannels());
    int frameBytes = 2 * channels;
    byte[] buffer = new byte[READ_BYTES - READ_BYTES % frameBytes];
    short[] samples = new short[buffer.length / 2];
    double expectedFrames = Math.max(1, seconds * sampleRate);
    long frames = 0;
    int filled = 0;
    long remaining = limit;
    while (remaining > 0) {
      int read = in.read(buffer, filled, (int) Math.min(buffer.length - filled, remaining));
      if (read < 0) {
        break;
      }
      filled += read;
      remaining -= read;
      int whole = filled / frameBytes;
      if (whole == 0) {
        continue;
      }
      ByteBuffer.wrap(buffer, 0, whole * frameBytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer()
          .get(samples, 0, whole * channels);
      peaks.add(samples, 0, whole);
      int rest = filled - whole * frameBytes;
      System.arraycopy(buffer, whole * frameBytes, buffer, 0, rest);
      filled = rest;
      frames += whole;
      control.reportProgress(frames / expectedFrames, null);
    }
    peaks.finish();
    return peaks;
  }

  private static String ascii(byte[] bytes, int offset) {
    return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
  }
}
