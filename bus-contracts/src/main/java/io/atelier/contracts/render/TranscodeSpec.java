package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@code transcode} job's params: the {@code preset} (MP3 by default) and, with {@code loudnorm}, loudness
 * normalised as EBU R128 measures it to {@code loudness} LUFS integrated (-16 by default, the usual target for
 * spoken word online; broadcast uses -23).
 */
public record TranscodeSpec(Preset preset, boolean loudnorm, double loudness) {

  public static final List<String> PARAMS = List.of("preset", "loudnorm", "loudness");

  /** The output formats, each with its codecs fixed. */
  public enum Preset {
    MP3("mp3", "mp3", "audio/mpeg", false),
    OPUS("opus", "opus", "audio/ogg", false),
    AAC("aac", "m4a", "audio/mp4", false),
    WAV("wav", "wav", "audio/wav", false),
    MP4("mp4", "mp4", "video/mp4", true),
    WEBM("webm", "webm", "video/webm", true);

    private final String wireName;
    private final String extension;
    private final String contentType;
    private final boolean video;

    Preset(String wireName, String extension, String contentType, boolean video) {
      this.wireName = wireName;
      this.extension = extension;
      this.contentType = contentType;
      this.video = video;
    }

    public String wireName() {
      return wireName;
    }

    public String extension() {
      return extension;
    }

    public String contentType() {
      return contentType;
    }

    /** Whether the output has a video stream (and the input must have one). */
    public boolean video() {
      return video;
    }
  }

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static TranscodeSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "transcode", PARAMS);
    Preset preset = ParamRules.choice(params, "preset", Preset.MP3, Preset.values(), Preset::wireName);
    boolean loudnorm = ParamRules.bool(params, "loudnorm", false);
    Object loudness = params.getValue("loudness", -16);
    // loudnorm's own range for its integrated target.
    if (!(loudness instanceof Number n) || !(n.doubleValue() >= -70 && n.doubleValue() <= -5)) {
      throw new InvalidParamException("loudness", "must be a loudness in LUFS from -70 to -5");
    }
    return new TranscodeSpec(preset, loudnorm, n.doubleValue());
  }
}
