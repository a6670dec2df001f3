package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.jobs.JobControl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Peaks of real audio against an independent computation: the same audio decoded by ffmpeg to a WAV file, read with
 * the JDK's own WAV reader, and audiowaveform's rule applied to it in the plainest way; both output files read back
 * as audiowaveform's format documentation lays them out.
 */
class PeaksTest {

  @TempDir
  static Path media;
  /** 3.3 s at 44.1 kHz: 145,530 frames, so no samples-per-pixel below divides it and the last block is partial. */
  private static Path stereo;
  private static short[][] decoded;
  private static int sampleRate;

  @TempDir
  Path scratch;

  @BeforeAll
  static void makeAudio() throws Exception {
    stereo = TestMedia.stereoTones(media, 3.3);
    // An MP3 of it, so what is measured went through a real decoder first.
    Path mp3 = media.resolve("stereo.mp3");
    TestMedia.run("ffmpeg", "-nostdin", "-loglevel", "error", "-i", stereo.toString(), "-c:a", "libmp3lame",
        "-q:a", "4", mp3.toString());
    stereo = mp3;
    Path wav = media.resolve("decoded.wav");
    TestMedia.run("ffmpeg", "-nostdin", "-loglevel", "error", "-i", mp3.toString(), "-c:a", "pcm_s16le",
        wav.toString());
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat format = in.getFormat();
      assertThat(format.getSampleSizeInBits()).isEqualTo(16);
      assertThat(format.getChannels()).isEqualTo(2);
      sampleRate = Math.round(format.getSampleRate());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray())
          .order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      int frames = buffer.remaining() / 4;
      decoded = new short[2][frames];
      for (int f = 0; f < frames; f++) {
        decoded[0][f] = buffer.getShort();
        decoded[1][f] = buffer.getShort();
      }
    }
  }

  /** audiowaveform's rule, written plainly: per block of frames, per channel (or of the truncated average). */
  private static int[][] expected(int samplesPerPixel, boolean split, int bits) {
    int frames = decoded[0].length;
    int points = (frames + samplesPerPixel - 1) / samplesPerPixel;
    int channels = split ? 2 : 1;
    int[][] data = new int[channels][points * 2];
    for (int p = 0; p < points; p++) {
      for (int c = 0; c < channels; c++) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int f = p * samplesPerPixel; f < Math.min(frames, (p + 1) * samplesPerPixel); f++) {
          int sample = split ? decoded[c][f] : (decoded[0][f] + decoded[1][f]) / 2;
          min = Math.min(min, sample);
          max = Math.max(max, sample);
        }
        data[c][2 * p] = bits == 8 ? min / 256 : min;
        data[c][2 * p + 1] = bits == 8 ? max / 256 : max;
      }
    }
    return data;
  }

  @ParameterizedTest(name = "{0} samples per pixel, split {1}, {2} bits")
  @CsvSource({"256, false, 8", "256, true, 8", "1000, false, 16", "1000, true, 16", "100000, true, 8"})
  void bothFilesHoldAudiowaveformsPeaksOfTheDecodedSamples(int samplesPerPixel, boolean split, int bits)
      throws Exception {
    JsonObject params = new JsonObject().put("samplesPerPixel", samplesPerPixel).put("splitChannels", split)
        .put("bits", bits);
    List<MediaRenderer.Output> outputs = TestMedia.render(new Peaks(TestMedia.ffmpeg()), stereo, scratch, params);
    int[][] expected = expected(samplesPerPixel, split, bits);
    int channels = expected.length;
    int length = expected[0].length / 2;

    assertThat(outputs).extracting(MediaRenderer.Output::name).containsExactly("peaks.json", "peaks.dat");
    JsonObject json = new JsonObject(Files.readString(outputs.get(0).path()));
    assertThat(json.fieldNames()).containsExactly("version", "channels", "sample_rate", "samples_per_pixel", "bits",
        "length", "data");
    assertThat(json.getInteger("version")).isEqualTo(2);
    assertThat(json.getInteger("channels")).isEqualTo(channels);
    assertThat(json.getInteger("sample_rate")).isEqualTo(sampleRate);
    assertThat(json.getInteger("samples_per_pixel")).isEqualTo(samplesPerPixel);
    assertThat(json.getInteger("bits")).isEqualTo(bits);
    assertThat(json.getInteger("length")).isEqualTo(length);
    JsonArray data = json.getJsonArray("data");
    assertThat(data.size()).isEqualTo(length * 2 * channels);
    for (int p = 0; p < length; p++) {
      for (int c = 0; c < channels; c++) {
        int at = (p * channels + c) * 2;
        assertThat(List.of(data.getInteger(at), data.getInteger(at + 1))).as("point %d channel %d", p, c)
            .containsExactly(expected[c][2 * p], expected[c][2 * p + 1]);
      }
    }

    ByteBuffer dat = ByteBuffer.wrap(Files.readAllBytes(outputs.get(1).path())).order(ByteOrder.LITTLE_ENDIAN);
    // audiowaveform writes version 1 for one channel, version 2 (with the channel count) for more.
    assertThat(dat.getInt()).isEqualTo(channels == 1 ? 1 : 2);
    assertThat(dat.getInt()).as("flags").isEqualTo(bits == 8 ? 1 : 0);
    assertThat(dat.getInt()).isEqualTo(sampleRate);
    assertThat(dat.getInt()).isEqualTo(samplesPerPixel);
    assertThat(dat.getInt()).isEqualTo(length);
    if (channels > 1) {
      assertThat(dat.getInt()).isEqualTo(channels);
    }
    assertThat(dat.remaining()).isEqualTo(length * 2 * channels * bits / 8);
    for (int p = 0; p < length; p++) {
      for (int c = 0; c < channels; c++) {
        int min = bits == 8 ? dat.get() : dat.getShort();
        int max = bits == 8 ? dat.get() : dat.getShort();
        assertThat(List.of(min, max)).as("binary point %d channel %d", p, c)
            .containsExactly(expected[c][2 * p], expected[c][2 * p + 1]);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"speech", "tones"})
  void theLoudPartsAreWhereTheAudioIsLoud(String which) throws Exception {
    Path audio = which.equals("speech") ? TestMedia.SPEECH : stereo;
    List<MediaRenderer.Output> outputs = new Peaks(TestMedia.ffmpeg()).render(TestMedia.input(audio, scratch,
        new JsonObject().put("splitChannels", true)), JobControl.detached());
    JsonObject json = new JsonObject(Files.readString(outputs.get(0).path()));
    JsonArray data = json.getJsonArray("data");
    int peak = 0;
    for (int i = 0; i < data.size(); i++) {
      peak = Math.max(peak, Math.abs(data.getInteger(i)));
    }
    // 8-bit peaks of audio that is not silent reach well above the noise floor.
    assertThat(peak).isBetween(20, 128);
    if (which.equals("tones")) {
      // Left at 0.9, right at 0.2 of full scale (−1 dB: MP3 may overshoot slightly).
      int middle = json.getInteger("length") / 2;
      assertThat(Math.abs(data.getInteger(middle * 4))).as("left minimum").isBetween(100, 128);
      assertThat(data.getInteger(middle * 4 + 3)).as("right maximum").isBetween(20, 32);
    }
  }
}
