package io.atelier.render;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Waveform data as BBC audiowaveform computes and writes it (its {@code WaveformGenerator} and
 * {@code WaveformBuffer}): for every {@code samplesPerPixel} frames of 16-bit audio, the minimum and maximum sample,
 * per channel or of the channels' average (their sum divided by the channel count, truncated); a last, shorter block
 * counts too. Written as audiowaveform's binary format (version 1 for one channel, version 2 with a channel count for
 * more, as audiowaveform itself does) and its JSON format (version 2), 8-bit values being the 16-bit ones divided by
 * 256 and truncated.
 */
final class WaveformPeaks {

  /** audiowaveform's limit. */
  static final int MAX_CHANNELS = 24;
  private static final int FLAG_8_BIT = 1;

  private final int inputChannels;
  private final int outputChannels;
  private final int sampleRate;
  private final int samplesPerPixel;
  private final int[] min;
  private final int[] max;
  private int count;
  /** Per point and output channel: min, max. */
  private short[] data = new short[1024];
  private int size;

  WaveformPeaks(int inputChannels, int sampleRate, int samplesPerPixel, boolean splitChannels) {
    if (inputChannels < 1 || inputChannels > MAX_CHANNELS) {
      throw new IllegalArgumentException("audio with " + inputChannels + " channels: waveform data has 1 to "
          + MAX_CHANNELS);
    }
    if (sampleRate < 1 || samplesPerPixel < 2) {
      throw new IllegalArgumentException("sample rate " + sampleRate + ", samples per pixel " + samplesPerPixel);
    }
    this.inputChannels = inputChannels;
    this.outputChannels = splitChannels ? inputChannels : 1;
    this.sampleRate = sampleRate;
    this.samplesPerPixel = samplesPerPixel;
    this.min = new int[outputChannels];
    this.max = new int[outputChannels];
    reset();
  }

  /** Adds interleaved frames: {@code samples} holds {@code frames × inputChannels} samples from {@code offset}. */
  void add(short[] samples, int offset, int frames) {
    for (int f = 0; f < frames; f++) {
      int index = offset + f * inputChannels;
      if (outputChannels == 1) {
        int sum = 0;
        for (int c = 0; c < inputChannels; c++) {
          sum += samples[index + c];
        }
        int sample = sum / inputChannels;
        min[0] = Math.min(min[0], sample);
        max[0] = Math.max(max[0], sample);
      } else {
        for (int c = 0; c < inputChannels; c++) {
          int sample = samples[index + c];
          min[c] = Math.min(min[c], sample);
          max[c] = Math.max(max[c], sample);
        }
      }
      if (++count == samplesPerPixel) {
        appendPoint();
      }
    }
  }

  /** Ends the audio: a last, partial block becomes a point. */
  void finish() {
    if (count > 0) {
      appendPoint();
    }
  }

  private void appendPoint() {
    if (data.length < size + 2 * outputChannels) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    for (int c = 0; c < outputChannels; c++) {
      data[size++] = (short) min[c];
      data[size++] = (short) max[c];
    }
    reset();
  }

  private void reset() {
    Arrays.fill(min, Short.MAX_VALUE);
    Arrays.fill(max, Short.MIN_VALUE);
    count = 0;
  }

  int channels() {
    return outputChannels;
  }

  /** Points per channel. */
  int length() {
    return size / (2 * outputChannels);
  }

  short minimum(int channel, int index) {
    return data[(index * outputChannels + channel) * 2];
  }

  short maximum(int channel, int index) {
    return data[(index * outputChannels + channel) * 2 + 1];
  }

  /** audiowaveform's {@code .dat}, little-endian. */
  byte[] binary(int bits) {
    checkBits(bits);
    int version = outputChannels == 1 ? 1 : 2;
    int header = version == 1 ? 20 : 24;
    ByteBuffer out = ByteBuffer.allocate(header + size * (bits / 8)).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(version).putInt(bits == 8 ? FLAG_8_BIT : 0).putInt(sampleRate).putInt(samplesPerPixel)
        .putInt(length());
    if (version == 2) {
      out.putInt(outputChannels);
    }
    for (int i = 0; i < size; i++) {
      if (bits == 8) {
        out.put((byte) (data[i] / 256));
      } else {
        out.putShort(data[i]);
      }
    }
    return out.array();
  }

  /** audiowaveform's {@code .json}, byte for byte (no spaces, a newline at the end). */
  byte[] json(int bits) {
    checkBits(bits);
    int divisor = bits == 8 ? 256 : 1;
    StringBuilder text = new StringBuilder(64 + size * 5)
        .append("{\"version\":2,\"channels\":").append(outputChannels)
        .append(",\"sample_rate\":").append(sampleRate)
        .append(",\"samples_per_pixel\":").append(samplesPerPixel)
        .append(",\"bits\":").append(bits)
        .append(",\"length\":").append(length())
        .append(",\"data\":[");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(data[i] / divisor);
    }
    return text.append("]}\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void checkBits(int bits) {
    if (bits != 8 && bits != 16) {
      throw new IllegalArgumentException("bits must be 8 or 16, was " + bits);
    }
  }
}
