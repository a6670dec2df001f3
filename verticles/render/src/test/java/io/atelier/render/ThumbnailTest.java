package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.render.InvalidParamException;
import io.atelier.jobs.JobFailedException;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Thumbnails of real video and audio, checked by their decoded pixels and by ffprobe. */
class ThumbnailTest {

  @TempDir
  static Path media;
  private static Path video;

  @TempDir
  Path scratch;

  private final Thumbnail thumbnail = new Thumbnail(TestMedia.ffmpeg());

  @BeforeAll
  static void makeVideo() throws Exception {
    video = TestMedia.videoWithBlackOpening(media);
  }

  private static BufferedImage decoded(MediaRenderer.Output output) throws Exception {
    BufferedImage image = ImageIO.read(output.path().toFile());
    assertThat(image).as("%s decodes", output.name()).isNotNull();
    return image;
  }

  /** Mean luma (0..255) and how many distinct colours, over every pixel. */
  private record Pixels(double meanLuma, long colours) {
    static Pixels of(BufferedImage image) {
      double sum = 0;
      java.util.Set<Integer> colours = new java.util.HashSet<>();
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y) & 0xffffff;
          colours.add(rgb >> 4 & 0x0f0f0f);
          sum += 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
        }
      }
      return new Pixels(sum / (image.getWidth() * image.getHeight()), colours.size());
    }
  }

  @Test
  void byDefaultARepresentativeFrameNotTheBlackOpening() throws Exception {
    List<MediaRenderer.Output> outputs = TestMedia.render(thumbnail, video, scratch, new JsonObject());

    assertThat(outputs).singleElement().satisfies(o -> {
      assertThat(o.name()).isEqualTo("thumbnail.jpg");
      assertThat(o.contentType()).isEqualTo("image/jpeg");
    });
    BufferedImage image = decoded(outputs.get(0));
    // A 640×360 video fits the default 1280×720 box as it is: never enlarged.
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(360);
    Pixels pixels = Pixels.of(image);
    assertThat(pixels.meanLuma()).as("mean luma of the frame").isGreaterThan(40);
    assertThat(pixels.colours()).as("distinct colours of the test pattern").isGreaterThan(50);
  }

  @Test
  void aGivenTimeGivesThatFrame() throws Exception {
    // At 1 s the video is still black: the param is honoured, not replaced by a "better" frame.
    BufferedImage black = decoded(TestMedia.render(thumbnail, video, scratch.resolve("a"),
        new JsonObject().put("time", 1.0).put("format", "png")).get(0));
    BufferedImage pattern = decoded(TestMedia.render(thumbnail, video, scratch.resolve("b"),
        new JsonObject().put("time", 4.5).put("format", "png")).get(0));

    assertThat(Pixels.of(black).meanLuma()).isLessThan(20);
    assertThat(Pixels.of(pattern).meanLuma()).isGreaterThan(40);
  }

  @ParameterizedTest
  @CsvSource({"png, 320, 720, 320, 180, png", "jpeg, 1280, 90, 160, 90, mjpeg", "webp, 200, 200, 200, 113, webp"})
  void formatsAndBoundsKeepTheAspectRatio(String format, int width, int height, int expectedWidth,
                                          int expectedHeight, String codec) throws Exception {
    MediaRenderer.Output output = TestMedia.render(thumbnail, video, scratch, new JsonObject().put("format", format)
        .put("width", width).put("height", height)).get(0);

    JsonObject stream = TestMedia.ffprobe(output.path()).getJsonArray("streams").getJsonObject(0);
    assertThat(stream.getString("codec_name")).isEqualTo(codec);
    assertThat(stream.getInteger("width")).isEqualTo(expectedWidth);
    assertThat(stream.getInteger("height")).isEqualTo(expectedHeight);
  }

  @Test
  void audioGivesItsWaveformOverTheBackground() throws Exception {
    MediaRenderer.Output output = TestMedia.render(thumbnail, TestMedia.SPEECH, scratch, new JsonObject()
        .put("width", 400).put("height", 200).put("color", "#ff0000").put("background", "#000080")).get(0);

    assertThat(output.name()).isEqualTo("thumbnail.png");
    BufferedImage image = decoded(output);
    assertThat(image.getWidth()).isEqualTo(400);
    assertThat(image.getHeight()).isEqualTo(200);
    long red = 0;
    long navy = 0;
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 400; x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        red += rgb == 0xff0000 ? 1 : 0;
        navy += rgb == 0x000080 ? 1 : 0;
      }
    }
    assertThat(red).as("waveform pixels").isGreaterThan(400 * 200 / 50);
    assertThat(navy).as("background pixels").isGreaterThan(400 * 200 / 2);
    assertThat(red + navy).as("every pixel is one or the other").isEqualTo(400 * 200);
  }

  @Test
  void aTimePastTheEndIsRefusedNamingIt() {
    assertThatThrownBy(() -> TestMedia.render(thumbnail, video, scratch, new JsonObject().put("time", 6.5)))
        .isInstanceOfSatisfying(JobFailedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
          assertThat(e.getMessage()).contains("params.time", "6.500", "lasts");
        });
    assertThatThrownBy(() -> TestMedia.render(thumbnail, video, scratch, new JsonObject().put("format", "gif")))
        .isInstanceOfSatisfying(InvalidParamException.class, e -> assertThat(e.field()).isEqualTo("format"));
  }
}
