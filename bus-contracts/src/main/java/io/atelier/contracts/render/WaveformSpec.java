package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@code render} job's params: the waveform image it draws, {@code width} and {@code height} in pixels and a {@code color}
 * as {@code #rrggbb}, each optional. The edge checks them when a job or pipeline step is submitted, so a bad value is
 * a {@code 400} naming the field; the render worker reads them with the same rules.
 */
public record WaveformSpec(int width, int height, String color) {

  public static final WaveformSpec DEFAULT = new WaveformSpec(1200, 240, "#3b82f6");
  public static final List<String> PARAMS = List.of("width", "height", "color");

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static WaveformSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "render", PARAMS);
    return new WaveformSpec(ParamRules.integer(params, "width", DEFAULT.width(), 64, 4096),
        ParamRules.integer(params, "height", DEFAULT.height(), 32, 2048),
        ParamRules.color(params, "color", DEFAULT.color()));
  }
}
