package io.atelier.contracts.render;

import io.atelier.contracts.JobKind;
import io.vertx.core.json.JsonObject;

/** Checks the params of any render kind, as the edge does on submission and the render worker on each run. */
public final class RenderParams {

  private RenderParams() {
  }

  /** Fails with {@link InvalidParamException} naming the first bad param; does nothing for other kinds. */
  public static void check(JobKind kind, JsonObject params) {
    switch (kind) {
      case RENDER -> WaveformSpec.from(params);
      case THUMBNAIL -> ThumbnailSpec.from(params);
      case PEAKS -> PeaksSpec.from(params);
      case TRANSCODE -> TranscodeSpec.from(params);
      case SUBTITLED_VIDEO -> SubtitledVideoSpec.from(params);
      case AUDIOGRAM -> AudiogramSpec.from(params);
      case EXPORT_KIT -> ExportKitSpec.from(params);
      default -> {
        // not a render kind: its own verticle checks its params
      }
    }
  }
}
