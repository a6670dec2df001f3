package io.atelier.render;

import io.vertx.core.json.JsonObject;

/**
 * What a waveform image looks like, from a render job's params: {@code width} and {@code height} in pixels and a
 * {@code color} as {@code #rrggbb}.
 */
record WaveformSpec(int width, int height, String color) {

  static final WaveformSpec DEFAULT = new WaveformSpec(1200, 240, "#3b82f6");

  /** Reads the params; an {@link IllegalArgumentException} names the first bad field. */
  static WaveformSpec from(JsonObject params) {
    int width = dimension(params, "width", DEFAULT.width(), 64, 4096);
    int height = dimension(params, "height", DEFAULT.height(), 32, 2048);
    Object color = params.getValue("color", DEFAULT.color());
    if (!(color instanceof String text) || !text.matches("#[0-9a-fA-F]{6}")) {
      throw new IllegalArgumentException("params.color must be a colour as #rrggbb");
    }
    return new WaveformSpec(width, height, ((String) color).toLowerCase(java.util.Locale.ROOT));
  }

  private static int dimension(JsonObject params, String field, int fallback, int min, int max) {
    Object value = params.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new IllegalArgumentException("params." + field + " must be a whole number from " + min + " to " + max);
    }
    return n;
  }

  /** The ffmpeg filter drawing the whole file's first audio stream as one image. */
  String filter() {
    return "[0:a:0]aformat=channel_layouts=mono,showwavespic=s=" + width + "x" + height + ":colors=" + color;
  }
}
