package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders real speech with ffmpeg and reads the PNG back pixel by pixel. */
class WaveformImageTest {

  /** About seven seconds of read speech with short pauses only: the waveform has something to draw everywhere. */
  private static final Path SPEECH = TestMedia.SPEECH;
  private static final int WIDTH = 640;
  private static final int HEIGHT = 120;
  /** Per channel: ffmpeg draws the colour exactly today; this leaves room for rounding, not for another hue. */
  private static final int TOLERANCE = 2;
  private static final int STRIPS = 10;

  private final WaveformImage renderer = new WaveformImage(TestMedia.ffmpeg());

  @TempDir
  Path work;

  @BeforeAll
  static void speechIsInstalled() {
    assertThat(SPEECH).as("Debian's pocketsphinx-testdata is installed").isRegularFile();
  }

  private BufferedImage render(String color) throws Exception {
    JsonObject params = new JsonObject().put("width", WIDTH).put("height", HEIGHT).put("color", color);
    Path png = TestMedia.render(renderer, SPEECH, work.resolve(color.substring(1)), params).get(0).path();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("%s decodes as an image", png).isNotNull();
    return image;
  }

  private static boolean isDrawn(int argb) {
    return argb >>> 24 != 0;
  }

  private static boolean isColour(int argb, int rgb) {
    return Math.abs((argb >> 16 & 0xff) - (rgb >> 16 & 0xff)) <= TOLERANCE
        && Math.abs((argb >> 8 & 0xff) - (rgb >> 8 & 0xff)) <= TOLERANCE
        && Math.abs((argb & 0xff) - (rgb & 0xff)) <= TOLERANCE;
  }

  @ParameterizedTest
  @ValueSource(strings = {"#ff0000", "#00ff00", "#3b82f6"})
  void theWaveformIsDrawnInTheRequestedColourAlone(String color) throws Exception {
    BufferedImage image = render(color);
    int rgb = Integer.parseInt(color.substring(1), 16);

    assertThat(image.getWidth()).isEqualTo(WIDTH);
    assertThat(image.getHeight()).isEqualTo(HEIGHT);
    int drawn = 0;
    int inColour = 0;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int argb = image.getRGB(x, y);
        if (!isDrawn(argb)) {
          continue;
        }
        drawn++;
        assertThat(isColour(argb, rgb)).as("pixel (%d, %d) is %08x, not %s", x, y, argb, color).isTrue();
        if (argb >>> 24 == 0xff) {
          inColour++;
        }
      }
    }
    // Seven seconds of quiet speech on a linear scale cover about 4 % of the image; the rest stays transparent.
    assertThat(inColour).as("opaque %s pixels of %d", color, WIDTH * HEIGHT)
        .isGreaterThanOrEqualTo(WIDTH * HEIGHT / 50)
        .isEqualTo(drawn);
    assertThat(drawn).as("drawn pixels").isLessThan(WIDTH * HEIGHT / 4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"#ff0000", "#00ff00"})
  void theWaveformOfSpeechSpansTheImagesWidthAroundItsMiddle(String color) throws Exception {
    BufferedImage image = render(color);

    int[] perStrip = new int[STRIPS];
    int top = HEIGHT;
    int bottom = -1;
    for (int x = 0; x < WIDTH; x++) {
      for (int y = 0; y < HEIGHT; y++) {
        if (isDrawn(image.getRGB(x, y))) {
          perStrip[x * STRIPS / WIDTH]++;
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    for (int strip = 0; strip < STRIPS; strip++) {
      assertThat(perStrip[strip]).as("pixels drawn in the %d. tenth of the width", strip + 1)
          .isGreaterThanOrEqualTo(50);
    }
    assertThat(top).as("highest drawn row").isLessThan(HEIGHT / 2);
    assertThat(bottom).as("lowest drawn row").isGreaterThan(HEIGHT / 2);
  }
}
