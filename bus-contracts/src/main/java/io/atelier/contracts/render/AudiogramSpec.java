package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An {@code audiogram} job's params: an animated {@code visual} ({@code waveform} by default, or {@code spectrum})
 * in {@code color} over {@code background} (both {@code #rrggbb}) at {@code size} ({@code 1080x1080} by default,
 * {@code 1920x1080}, {@code 1080x1920}), with the transcript's subtitles burned in ({@code subtitles}, true by
 * default; the transcript found as for {@link SubtitledVideoSpec}) in their {@link SubtitleStyle}.
 */
public record AudiogramSpec(Visual visual, String color, String background, FrameSize size, boolean subtitles,
                            UUID transcriptJobId, SubtitleStyle style) {

  public static final List<String> PARAMS;

  static {
    List<String> params = new ArrayList<>(List.of("visual", "color", "background", "size", "subtitles",
        "transcriptJobId"));
    params.addAll(SubtitleStyle.PARAMS);
    PARAMS = List.copyOf(params);
  }

  /** What moves with the sound. */
  public enum Visual {
    WAVEFORM("waveform"),
    SPECTRUM("spectrum");

    private final String wireName;

    Visual(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static AudiogramSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "audiogram", PARAMS);
    return new AudiogramSpec(
        ParamRules.choice(params, "visual", Visual.WAVEFORM, Visual.values(), Visual::wireName),
        ParamRules.color(params, "color", "#38bdf8"),
        ParamRules.color(params, "background", "#0f172a"),
        ParamRules.choice(params, "size", FrameSize.SQUARE, FrameSize.values(), FrameSize::wireName),
        ParamRules.bool(params, "subtitles", true),
        JobIdParam.jobId(params, "transcriptJobId"),
        SubtitleStyle.from(params));
  }
}
