package io.atelier.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ffprobe on media made here with ffmpeg's test sources, and on files that only look like media. */
class MediaProbeTest {

  @TempDir
  static Path samples;

  private final MediaProbe probe = new MediaProbe(Duration.ofSeconds(30));

  private static Path ffmpeg(String name, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(arguments));
    command.add(samples.resolve(name).toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return samples.resolve(name);
  }

  @BeforeAll
  static void makeSamples() throws Exception {
    ffmpeg("tone.wav", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-ac", "2", "-ar", "48000");
    ffmpeg("clip.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-f", "lavfi", "-i",
        "sine=frequency=300:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a",
        "aac", "-shortest");
    ffmpeg("cover.png", "-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1");
    ffmpeg("with-cover.mp3", "-f", "lavfi", "-i", "sine=duration=1", "-i", samples.resolve("cover.png").toString(),
        "-map", "0:a", "-map", "1:v", "-c:v", "png", "-disposition:v", "attached_pic", "-id3v2_version", "3");
    // A WAV header and nothing else: what a sniffer alone takes for audio.
    byte[] wav = Files.readAllBytes(samples.resolve("tone.wav"));
    Files.write(samples.resolve("header-only.wav"), java.util.Arrays.copyOf(wav, 44));
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    Files.write(samples.resolve("noise.bin"), noise);
    Files.writeString(samples.resolve("notes.txt"), "not a recording\n");
  }

  @Test
  void audioHasItsChannelsSampleRateAndDuration() throws Exception {
    MediaInfo info = probe.probe(samples.resolve("tone.wav").toString());
    assertThat(info.container()).isEqualTo("wav");
    assertThat(info.durationSeconds()).isBetween(1.99, 2.01);
    assertThat(info.streams()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo("audio");
      assertThat(s.codec()).isEqualTo("pcm_s16le");
      assertThat(s.channels()).isEqualTo(2);
      assertThat(s.sampleRate()).isEqualTo(48000);
      assertThat(s.width()).isNull();
    });
    assertThat(MediaInfo.fromJson(info.toJson())).isEqualTo(info);
  }

  @Test
  void videoHasItsSizeAndItsAudioStream() throws Exception {
    MediaInfo info = probe.probe(samples.resolve("clip.mp4").toString());
    assertThat(info.container()).contains("mp4");
    assertThat(info.hasVideo()).isTrue();
    assertThat(info.hasAudio()).isTrue();
    MediaInfo.Stream video = info.streams().stream().filter(s -> s.type().equals("video")).findFirst().orElseThrow();
    assertThat(video.codec()).isEqualTo("h264");
    assertThat(video.width()).isEqualTo(320);
    assertThat(video.height()).isEqualTo(240);
    assertThat(info.streams()).anySatisfy(s -> assertThat(s.codec()).isEqualTo("aac"));
  }

  @Test
  void coverArtDoesNotMakeAnMp3AVideo() throws Exception {
    MediaInfo info = probe.probe(samples.resolve("with-cover.mp3").toString());
    assertThat(info.hasAudio()).isTrue();
    assertThat(info.hasVideo()).isFalse();
    assertThat(info.streams()).anySatisfy(s -> assertThat(s.type()).isEqualTo("attachment"));
  }

  @Test
  void filesThatOnlyLookLikeMediaAreRefusedWithWhatFfprobeSaid() {
    for (String name : List.of("header-only.wav", "noise.bin", "notes.txt")) {
      Path file = samples.resolve(name);
      assertThatThrownBy(() -> probe.probe(file.toString()), name)
          .isInstanceOf(MediaProbe.UnreadableMediaException.class)
          .message().isNotBlank().doesNotContain(file.toString());
    }
  }
}
