package io.atelier.contracts.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.JobKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every render kind runs with no params; every bad param is refused naming its field and saying what it must be. */
class RenderParamsTest {

  @Test
  void everyRenderKindRunsWithNoParams() {
    List<JobKind> renders = Arrays.stream(JobKind.values()).filter(JobKind::isRender).toList();
    assertThat(renders).extracting(JobKind::wireName).containsExactly("render", "thumbnail", "peaks", "transcode",
        "subtitled-video", "audiogram", "export-kit");
    renders.forEach(kind -> RenderParams.check(kind, new JsonObject()));
    assertThat(renders).allSatisfy(kind -> assertThat(kind.streamKey()).isEqualTo("atelier:jobs:render"));
    assertThat(JobKind.TRANSCODE.sharingQueue()).isEqualTo(renders);
    assertThat(JobKind.TRANSCRIPTION.sharingQueue()).containsExactly(JobKind.TRANSCRIPTION);
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(TranscodeSpec.from(new JsonObject())).isEqualTo(new TranscodeSpec(TranscodeSpec.Preset.MP3, false, -16));
    assertThat(PeaksSpec.from(new JsonObject())).isEqualTo(new PeaksSpec(8, 256, false));
    AudiogramSpec audiogram = AudiogramSpec.from(new JsonObject());
    assertThat(audiogram.size()).isEqualTo(FrameSize.SQUARE);
    assertThat(audiogram.visual()).isEqualTo(AudiogramSpec.Visual.WAVEFORM);
    assertThat(audiogram.subtitles()).isTrue();
    assertThat(audiogram.style()).isEqualTo(new SubtitleStyle(SubtitleStyle.Font.SANS, 54, "#ffffff", "#000000",
        SubtitleStyle.Position.BOTTOM));
    assertThat(SubtitledVideoSpec.from(new JsonObject()).size()).isEqualTo(FrameSize.LANDSCAPE);
    assertThat(ExportKitSpec.from(new JsonObject()).transcodes()).containsExactly(TranscodeSpec.Preset.MP3);
    ThumbnailSpec thumbnail = ThumbnailSpec.from(new JsonObject());
    assertThat(thumbnail.time()).isNull();
    assertThat(thumbnail.formatFor(true)).isEqualTo(ThumbnailSpec.ImageFormat.JPEG);
    assertThat(thumbnail.formatFor(false)).isEqualTo(ThumbnailSpec.ImageFormat.PNG);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "render          | {\"width\":10}                        | width           | must be a whole number from 64 to 4096",
      "render          | {\"colour\":\"#ffffff\"}             | colour          | is not a param of render (its params: width, height, color)",
      "thumbnail       | {\"time\":\"10\"}                     | time            | must be a number of seconds from 0.0 to 86400.0",
      "thumbnail       | {\"format\":\"gif\"}                  | format          | must be one of png, jpeg, webp",
      "thumbnail       | {\"color\":\"red\"}                   | color           | must be a colour as #rrggbb",
      "peaks           | {\"bits\":24}                         | bits            | must be 8 or 16",
      "peaks           | {\"samplesPerPixel\":1}               | samplesPerPixel | must be a whole number from 2 to 1048576",
      "peaks           | {\"splitChannels\":\"yes\"}           | splitChannels   | must be true or false",
      "transcode       | {\"preset\":\"flac\"}                 | preset          | must be one of mp3, opus, aac, wav, mp4, webm",
      "transcode       | {\"loudness\":0}                      | loudness        | must be a loudness in LUFS from -70 to -5",
      "subtitled-video | {\"font\":\"Comic Sans\"}             | font            | must be one of DejaVu Sans, DejaVu Serif, DejaVu Sans Mono",
      "subtitled-video | {\"position\":\"left\"}               | position        | must be one of bottom, middle, top",
      "subtitled-video | {\"transcriptJobId\":\"last\"}        | transcriptJobId | must be a job id",
      "audiogram       | {\"size\":\"1280x720\"}               | size            | must be one of 1080x1080, 1920x1080, 1080x1920",
      "audiogram       | {\"fontSize\":500}                    | fontSize        | must be a whole number from 12 to 200",
      "export-kit      | {\"transcodes\":\"mp3\"}              | transcodes      | must be a list of preset names",
      "export-kit      | {\"transcodes\":[\"mp3\",\"ogg\"]}    | transcodes[1]   | must be one of mp3, opus, aac, wav, mp4, webm",
      "export-kit      | {\"transcodes\":[\"mp3\",\"mp3\"]}    | transcodes[1]   | repeats mp3",
      "export-kit      | {\"transcodes\":[null]}             | transcodes[0]   | must be one of mp3, opus, aac, wav, mp4, webm"})
  void aBadParamIsRefusedNamingIt(String kind, String params, String field, String rule) {
    JobKind jobKind = JobKind.fromWireName(kind).orElseThrow();
    assertThatThrownBy(() -> RenderParams.check(jobKind, new JsonObject(params)))
        .isInstanceOfSatisfying(InvalidParamException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.rule()).isEqualTo(rule);
          assertThat(e.getMessage()).isEqualTo("params." + field + " " + rule);
        });
  }

  @Test
  void kindsThatReadATranscriptSaySo() {
    assertThat(JobKind.ENRICHMENT.readsTranscript(new JsonObject())).isTrue();
    assertThat(JobKind.SUBTITLED_VIDEO.readsTranscript(new JsonObject())).isTrue();
    assertThat(JobKind.EXPORT_KIT.readsTranscript(new JsonObject())).isTrue();
    assertThat(JobKind.AUDIOGRAM.readsTranscript(new JsonObject())).isTrue();
    assertThat(JobKind.AUDIOGRAM.readsTranscript(new JsonObject().put("subtitles", false))).isFalse();
    assertThat(JobKind.TRANSCODE.readsTranscript(new JsonObject())).isFalse();
    UUID id = UUID.randomUUID();
    assertThat(ExportKitSpec.from(new JsonObject().put("transcriptJobId", id.toString())
        .put("transcodes", new JsonArray())).transcriptJobId()).isEqualTo(id);
  }
}
