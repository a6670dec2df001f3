package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A render job's params: the waveform image it draws, {@code width} and {@code height} in pixels and a {@code color}
 * as {@code #rrggbb}, each optional. The edge checks them when a job or pipeline step is submitted, so a bad value is
 * a {@code 400} naming the field; the render worker reads them with the same rules.
 */
public record WaveformSpec(int width, int height, String color) {

  public static final WaveformSpec DEFAULT = new WaveformSpec(1200, 240, "#3b82f6");

  /** A param that breaks the rules; {@link #field()} is its name within the params object. */
  public static final class InvalidParamException extends IllegalArgumentException {
    private final String field;
    private final String rule;

    InvalidParamException(String field, String rule) {
      super("params." + field + " " + rule);
      this.field = field;
      this.rule = rule;
    }

    public String field() {
      return field;
    }

    /** What the value must be, as "must be ...". */
    public String rule() {
      return rule;
    }
  }

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static WaveformSpec from(JsonObject params) {
    int width = dimension(params, "width", DEFAULT.width(), 64, 4096);
    int height = dimension(params, "height", DEFAULT.height(), 32, 2048);
    Object color = params.getValue("color", DEFAULT.color());
    if (!(color instanceof String text) || !text.matches("#[0-9a-fA-F]{6}")) {
      throw new InvalidParamException("color", "must be a colour as #rrggbb");
    }
    return new WaveformSpec(width, height, text.toLowerCase(Locale.ROOT));
  }

  private static int dimension(JsonObject params, String field, int fallback, int min, int max) {
    Object value = params.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new InvalidParamException(field, "must be a whole number from " + min + " to " + max);
    }
    return n;
  }
}
