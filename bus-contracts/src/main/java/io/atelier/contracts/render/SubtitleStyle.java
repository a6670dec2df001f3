package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How burned-in subtitles look: {@code font} (a family the install brings: DejaVu Sans by default, DejaVu Serif,
 * DejaVu Sans Mono), {@code fontSize} in pixels of a 1080-pixel-high picture (scaled with the picture; 54 by default),
 * {@code textColor} and {@code outlineColor} as {@code #rrggbb} (white on a black outline by default) and
 * {@code position}: {@code bottom} (default), {@code middle} or {@code top}.
 */
public record SubtitleStyle(Font font, int fontSize, String textColor, String outlineColor, Position position) {

  static final List<String> PARAMS = List.of("font", "fontSize", "textColor", "outlineColor", "position");

  /** The font families of Debian's fonts-dejavu-core, which the install step brings. */
  public enum Font {
    SANS("DejaVu Sans"),
    SERIF("DejaVu Serif"),
    MONO("DejaVu Sans Mono");

    private final String family;

    Font(String family) {
      this.family = family;
    }

    public String family() {
      return family;
    }
  }

  /** Where the subtitles sit. */
  public enum Position {
    BOTTOM("bottom"),
    MIDDLE("middle"),
    TOP("top");

    private final String wireName;

    Position(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  static SubtitleStyle from(JsonObject params) {
    return new SubtitleStyle(
        ParamRules.choice(params, "font", Font.SANS, Font.values(), Font::family),
        ParamRules.integer(params, "fontSize", 54, 12, 200),
        ParamRules.color(params, "textColor", "#ffffff"),
        ParamRules.color(params, "outlineColor", "#000000"),
        ParamRules.choice(params, "position", Position.BOTTOM, Position.values(), Position::wireName));
  }
}
