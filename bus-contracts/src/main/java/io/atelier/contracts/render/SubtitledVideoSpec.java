package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code subtitled-video} job's params: the transcript whose subtitles are burned in ({@code transcriptJobId}; by
 * default the transcription step before it in its pipeline, or else the asset's latest transcript, as people have
 * edited it), their {@link SubtitleStyle}, and for audio the picture under them: the recording's cover art when it
 * has one ({@code coverArt}, true by default), else {@code background} as {@code #rrggbb}, at {@code size}
 * ({@code 1920x1080} by default). A video keeps its own picture and size.
 */
public record SubtitledVideoSpec(UUID transcriptJobId, SubtitleStyle style, boolean coverArt, String background,
                                 FrameSize size) {

  public static final List<String> PARAMS;

  static {
    List<String> params = new ArrayList<>(List.of("transcriptJobId", "coverArt", "background", "size"));
    params.addAll(SubtitleStyle.PARAMS);
    PARAMS = List.copyOf(params);
  }

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static SubtitledVideoSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "subtitled-video", PARAMS);
    return new SubtitledVideoSpec(JobIdParam.jobId(params, "transcriptJobId"), SubtitleStyle.from(params),
        ParamRules.bool(params, "coverArt", true), ParamRules.color(params, "background", "#111827"),
        ParamRules.choice(params, "size", FrameSize.LANDSCAPE, FrameSize.values(), FrameSize::wireName));
  }
}
