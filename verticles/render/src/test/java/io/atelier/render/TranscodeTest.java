package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobFailedException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every preset on real video and speech, checked with ffprobe: duration within 1 %, streams, codecs, dimensions. */
class TranscodeTest {

  @TempDir
  static Path media;
  private static Path video;
  private static Path speech;

  @TempDir
  Path scratch;

  private final Transcode transcode = new Transcode(TestMedia.ffmpeg());

  @BeforeAll
  static void makeMedia() throws Exception {
    video = TestMedia.videoWithBlackOpening(media);
    // About twenty seconds: an MP3's encoder delay and padding (some 50 ms) stay well inside the 1 % checked.
    speech = TestMedia.speech(media, "Every preset keeps the whole recording, from its first word to its last. "
        + "The render worker runs ffmpeg with the preset's codecs, and the result goes to storage with a row that "
        + "names it. People who publish recordings want them back in the shapes they post: an MP3 for a podcast "
        + "feed, an Opus file for the web, an M4A for phones, and a WAV for the studio.");
  }

  private static double duration(JsonObject probed) {
    return Double.parseDouble(probed.getJsonObject("format").getString("duration"));
  }

  private static List<String> codecs(JsonObject probed, String type) {
    return probed.getJsonArray("streams").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("codec_type").equals(type)).map(s -> s.getString("codec_name")).toList();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @CsvSource({
      "mp3, speech, media.mp3, mp3, audio/mpeg", "opus, speech, media.opus, opus, audio/ogg",
      "aac, speech, media.m4a, aac, audio/mp4", "wav, speech, media.wav, pcm_s16le, audio/wav",
      "mp3, video, media.mp3, mp3, audio/mpeg", "wav, video, media.wav, pcm_s16le, audio/wav"})
  void audioPresets(String preset, String from, String name, String codec, String contentType) throws Exception {
    Path input = from.equals("video") ? video : speech;
    MediaRenderer.Output output = TestMedia.render(transcode, input, scratch, new JsonObject().put("preset", preset))
        .get(0);

    assertThat(output.name()).isEqualTo(name);
    assertThat(output.contentType()).isEqualTo(contentType);
    JsonObject probed = TestMedia.ffprobe(output.path());
    assertThat(codecs(probed, "audio")).containsExactly(codec);
    assertThat(codecs(probed, "video")).as("no picture in an audio preset").isEmpty();
    assertThat(duration(probed)).isCloseTo(duration(TestMedia.ffprobe(input)), org.assertj.core.data.Percentage
        .withPercentage(1));
  }

  @Test
  void mp3IsTheDefault() throws Exception {
    MediaRenderer.Output output = TestMedia.render(transcode, speech, scratch, new JsonObject()).get(0);
    assertThat(codecs(TestMedia.ffprobe(output.path()), "audio")).containsExactly("mp3");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mp4, media.mp4, h264, aac", "webm, media.webm, vp9, opus"})
  void videoPresets(String preset, String name, String videoCodec, String audioCodec) throws Exception {
    MediaRenderer.Output output = TestMedia.render(transcode, video, scratch, new JsonObject().put("preset", preset))
        .get(0);

    assertThat(output.name()).isEqualTo(name);
    JsonObject probed = TestMedia.ffprobe(output.path());
    assertThat(codecs(probed, "video")).containsExactly(videoCodec);
    assertThat(codecs(probed, "audio")).containsExactly(audioCodec);
    JsonObject picture = probed.getJsonArray("streams").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("codec_type").equals("video")).findFirst().orElseThrow();
    assertThat(picture.getInteger("width")).isEqualTo(640);
    assertThat(picture.getInteger("height")).isEqualTo(360);
    assertThat(picture.getString("pix_fmt")).isEqualTo("yuv420p");
    assertThat(duration(probed)).isCloseTo(6.0, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void aVideoPresetOfAudioIsRefusedWithAReason() {
    assertThatThrownBy(() -> TestMedia.render(transcode, speech, scratch, new JsonObject().put("preset", "mp4")))
        .isInstanceOfSatisfying(JobFailedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
          assertThat(e.getMessage()).contains("preset mp4", "no video stream");
        });
  }

  @Test
  void loudnessIsNormalisedToTheTargetAsEbuR128MeasuresIt() throws Exception {
    // Speech turned down by 20 dB: far below the target before, at it after.
    Path quiet = media.resolve("quiet.wav");
    TestMedia.run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", TestMedia.SPEECH.toString(), "-af",
        "volume=-20dB", quiet.toString());
    double before = integratedLoudness(quiet);
    MediaRenderer.Output output = TestMedia.render(transcode, quiet, scratch, new JsonObject().put("preset", "mp3")
        .put("loudnorm", true).put("loudness", -18)).get(0);
    double after = integratedLoudness(output.path());

    assertThat(before).as("loudness before").isLessThan(-30);
    assertThat(after).as("loudness after, LUFS").isBetween(-19.5, -16.5);
    JsonObject audio = TestMedia.ffprobe(output.path()).getJsonArray("streams").getJsonObject(0);
    assertThat(audio.getString("sample_rate")).as("back at the input's rate, not loudnorm's 192 kHz")
        .isEqualTo(TestMedia.ffprobe(quiet).getJsonArray("streams").getJsonObject(0).getString("sample_rate"));
  }

  /** The integrated loudness ffmpeg's ebur128 filter measures, in LUFS. */
  private static double integratedLoudness(Path file) throws Exception {
    String log = TestMedia.run("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", file.toString(), "-af",
        "ebur128", "-f", "null", "-");
    Matcher integrated = Pattern.compile("Integrated loudness:\\s+I:\\s+(-?[0-9.]+) LUFS").matcher(log);
    assertThat(integrated.find()).as("ebur128 summary in:%n%s", log).isTrue();
    return Double.parseDouble(integrated.group(1));
  }
}
