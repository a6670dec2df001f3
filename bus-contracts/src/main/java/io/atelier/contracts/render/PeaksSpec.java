package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@code peaks} job's params, as audiowaveform's options name them: {@code bits} 8 or 16 ({@code -b}; 8 by default,
 * as peaks.js advises for the web), {@code samplesPerPixel} ({@code -z}, 256 by default) and {@code splitChannels}
 * ({@code --split-channels}: one waveform per channel instead of their average).
 */
public record PeaksSpec(int bits, int samplesPerPixel, boolean splitChannels) {

  public static final List<String> PARAMS = List.of("bits", "samplesPerPixel", "splitChannels");

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static PeaksSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "peaks", PARAMS);
    Object bits = params.getValue("bits", 8);
    if (!(bits instanceof Integer b) || (b != 8 && b != 16)) {
      throw new InvalidParamException("bits", "must be 8 or 16");
    }
    // audiowaveform's own floor is 2 samples per pixel.
    return new PeaksSpec(b, ParamRules.integer(params, "samplesPerPixel", 256, 2, 1 << 20),
        ParamRules.bool(params, "splitChannels", false));
  }
}
