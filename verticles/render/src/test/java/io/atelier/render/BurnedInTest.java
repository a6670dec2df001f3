package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.Transcript;
import io.atelier.jobs.JobControl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Subtitled videos and audiograms of real media, checked by ffprobe and by their pixels: a frame while a subtitle
 * shows differs from a frame outside any subtitle in the caption's region, and nowhere else that stands still.
 */
class BurnedInTest {

  /** Two cues: "Hello there, friends." from 1.0 to 2.4 s, "Goodbye now." from 4.6 to 5.4 s. */
  static final Transcript TRANSCRIPT = transcript(new String[] {"Hello", "there,", "friends.", "Goodbye", "now."},
      new double[] {1.0, 1.5, 1.9, 4.6, 5.0}, new double[] {1.4, 1.8, 2.4, 4.9, 5.4});

  @TempDir
  static Path media;
  /** Six seconds of a still test card (SMPTE bars) with a tone: only the subtitles change. */
  private static Path stillVideo;
  private static Path tone;

  @TempDir
  Path scratch;

  static Transcript transcript(String[] words, double[] starts, double[] ends) {
    JsonArray timed = new JsonArray();
    for (int i = 0; i < words.length; i++) {
      timed.add(new JsonObject().put("word", words[i]).put("start", starts[i]).put("end", ends[i])
          .put("confidence", 1.0));
    }
    return new Transcript(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "test", "en", 6.0,
        String.join(" ", words), timed, new JsonObject());
  }

  @BeforeAll
  static void makeMedia() throws Exception {
    stillVideo = TestMedia.generate(media.resolve("card.mp4"), List.of("smptebars=s=640x360:r=25:d=6",
        "sine=f=440:d=6:sample_rate=48000"), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest");
    tone = TestMedia.generate(media.resolve("tone.wav"), List.of("sine=f=220:d=6:sample_rate=44100"),
        "-af", "volume=6", "-c:a", "pcm_s16le");
  }

  private MediaRenderer.Output render(MediaRenderer renderer, Path input, JsonObject params) throws Exception {
    MediaRenderer.Input in = TestMedia.input(input, scratch, params);
    return renderer.render(new MediaRenderer.Input(in.media(), in.info(), in.scratch(), params, "input",
        TRANSCRIPT, null), JobControl.detached()).get(0);
  }

  private BufferedImage frame(Path video, double seconds) throws Exception {
    Path png = scratch.resolve(video.getFileName() + "-" + seconds + ".png");
    TestMedia.run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", Double.toString(seconds), "-i",
        video.toString(), "-frames:v", "1", png.toString());
    return ImageIO.read(png.toFile());
  }

  /**
   * The fraction of pixels within rows {@code from} to {@code to} (fractions of the height) that differ between two
   * frames by more than compression noise: text and outlines differ by far more.
   */
  private static double difference(BufferedImage a, BufferedImage b, double from, double to) {
    int top = (int) (a.getHeight() * from);
    int bottom = (int) (a.getHeight() * to);
    long changed = 0;
    for (int y = top; y < bottom; y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        int most = Math.max(Math.abs((p >> 16 & 0xff) - (q >> 16 & 0xff)), Math.max(
            Math.abs((p >> 8 & 0xff) - (q >> 8 & 0xff)), Math.abs((p & 0xff) - (q & 0xff))));
        changed += most > 48 ? 1 : 0;
      }
    }
    return changed / ((bottom - top) * (double) a.getWidth());
  }

  private static JsonObject stream(JsonObject probed, String type) {
    return probed.getJsonArray("streams").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("codec_type").equals(type)).findFirst().orElseThrow();
  }

  private static void assertVideo(Path file, int width, int height) throws Exception {
    JsonObject probed = TestMedia.ffprobe(file);
    assertThat(stream(probed, "video").getString("codec_name")).isEqualTo("h264");
    assertThat(stream(probed, "video").getInteger("width")).isEqualTo(width);
    assertThat(stream(probed, "video").getInteger("height")).isEqualTo(height);
    assertThat(stream(probed, "audio").getString("codec_name")).isEqualTo("aac");
    assertThat(Double.parseDouble(probed.getJsonObject("format").getString("duration")))
        .isCloseTo(6.0, Percentage.withPercentage(1));
  }

  @Test
  void subtitlesAreBurnedIntoAVideoAtTheirTimes() throws Exception {
    Path out = render(new SubtitledVideo(TestMedia.ffmpeg()), stillVideo, new JsonObject()).path();

    assertVideo(out, 640, 360);
    BufferedImage captioned = frame(out, 2.0);
    BufferedImage plain = frame(out, 3.4);
    assertThat(difference(captioned, plain, 0.7, 1.0)).as("caption region, with and without a subtitle")
        .isGreaterThan(0.01);
    assertThat(difference(captioned, plain, 0.0, 0.5)).as("the still picture above it").isLessThan(0.0005);
  }

  @ParameterizedTest(name = "position {0}")
  @CsvSource({"top, 0.0, 0.3, 0.6, 1.0", "middle, 0.35, 0.65, 0.75, 1.0"})
  void theStyleMovesAndColoursTheSubtitles(String position, double from, double to, double clearFrom,
                                            double clearTo) throws Exception {
    Path out = render(new SubtitledVideo(TestMedia.ffmpeg()), tone, new JsonObject().put("position", position)
        .put("textColor", "#ffff00").put("fontSize", 80).put("font", "DejaVu Serif").put("size", "1080x1920")
        .put("background", "#204060")).path();

    assertVideo(out, 1080, 1920);
    BufferedImage captioned = frame(out, 5.0);
    BufferedImage plain = frame(out, 3.4);
    assertThat(difference(captioned, plain, from, to)).as("where the subtitles are").isGreaterThan(0.005);
    assertThat(difference(captioned, plain, clearFrom, clearTo)).as("elsewhere").isLessThan(0.0005);
    // The background as asked (in video's limited range and 4:2:0, close to #204060).
    int rgb = plain.getRGB(10, 10);
    assertThat(List.of(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff))
        .satisfies(c -> {
          assertThat(c.get(0)).isBetween(0x20 - 8, 0x20 + 8);
          assertThat(c.get(1)).isBetween(0x40 - 8, 0x40 + 8);
          assertThat(c.get(2)).isBetween(0x60 - 8, 0x60 + 8);
        });
    // Yellow text: somewhere in the caption region, red and green high and blue low.
    boolean yellow = false;
    for (int y = (int) (1920 * from); y < 1920 * to && !yellow; y++) {
      for (int x = 0; x < 1080 && !yellow; x++) {
        int p = captioned.getRGB(x, y);
        yellow = (p >> 16 & 0xff) > 200 && (p >> 8 & 0xff) > 200 && (p & 0xff) < 80;
      }
    }
    assertThat(yellow).as("yellow text pixels").isTrue();
  }

  @Test
  void audioWithCoverArtShowsItFittedAndCentred() throws Exception {
    Path cover = TestMedia.generate(media.resolve("cover.png"), List.of("color=c=#e01010:s=300x300:d=1"),
        "-frames:v", "1");
    Path mp3 = media.resolve("with-cover.mp3");
    TestMedia.run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", tone.toString(), "-i", cover.toString(),
        "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic",
        "-id3v2_version", "3", mp3.toString());

    Path out = render(new SubtitledVideo(TestMedia.ffmpeg()), mp3, new JsonObject().put("background", "#000000"))
        .path();
    assertVideo(out, 1920, 1080);
    BufferedImage plain = frame(out, 3.4);
    int centre = plain.getRGB(960, 540);
    assertThat(centre >> 16 & 0xff).as("red of the cover in the middle").isGreaterThan(180);
    assertThat(centre >> 8 & 0xff).isLessThan(60);
    // A square picture in a landscape frame: fitted to the height, the sides padded with the background.
    int side = plain.getRGB(200, 540);
    assertThat(List.of(side >> 16 & 0xff, side >> 8 & 0xff, side & 0xff)).allSatisfy(c -> assertThat(c).isLessThan(30));
    assertThat(plain.getRGB(960 - 520, 540) >> 16 & 0xff).as("the cover spans the height").isGreaterThan(180);
  }

  @ParameterizedTest(name = "{0} at {1}x{2}")
  @CsvSource({"waveform, 1080, 1080", "spectrum, 1920, 1080", "waveform, 1080, 1920"})
  void audiogramsMoveWithTheSoundAndCarryTheSubtitles(String visual, int width, int height) throws Exception {
    Path out = render(new Audiogram(TestMedia.ffmpeg()), tone, new JsonObject().put("visual", visual)
        .put("size", width + "x" + height)).path();

    assertVideo(out, width, height);
    BufferedImage captioned = frame(out, 2.0);
    BufferedImage plain = frame(out, 3.4);
    // Subtitles at the bottom; the visual across the middle third; the background plain above it.
    assertThat(difference(captioned, plain, 0.75, 1.0)).as("caption region").isGreaterThan(0.005);
    assertThat(difference(captioned, plain, 0.0, 0.3)).as("background above the visual").isLessThan(0.0005);
    BufferedImage early = frame(out, 0.5);
    int background = early.getRGB(5, 5);
    long drawn = 0;
    for (int y = height / 3; y < height * 2 / 3; y++) {
      for (int x = 0; x < width; x++) {
        int p = early.getRGB(x, y);
        drawn += Math.abs((p >> 16 & 0xff) - (background >> 16 & 0xff)) + Math.abs((p & 0xff) - (background & 0xff))
            > 60 ? 1 : 0;
      }
    }
    assertThat(drawn).as("pixels of the visual in the middle third").isGreaterThan(width * height / 300);
  }

  @Test
  void theDefaultAudiogramIsSquare() throws Exception {
    assertVideo(render(new Audiogram(TestMedia.ffmpeg()), tone, new JsonObject()).path(), 1080, 1080);
  }
}
