package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@code thumbnail} job's params. For video: the frame at {@code time} seconds, or a representative frame when it
 * is absent; for audio: the waveform drawn in {@code color} over {@code background}. The image fits within
 * {@code width} × {@code height} (a video frame keeps its aspect ratio and is never enlarged; a waveform fills it) in
 * {@code format}: {@code png}, {@code jpeg} or {@code webp}, by default JPEG for a video frame and PNG for a waveform.
 */
public record ThumbnailSpec(Double time, ImageFormat format, int width, int height, String color, String background) {

  public static final List<String> PARAMS = List.of("time", "format", "width", "height", "color", "background");
  /** A day: no recording the mesh takes is longer. */
  static final double LONGEST_SECONDS = 86_400;

  /** The image formats a thumbnail comes in. */
  public enum ImageFormat {
    PNG("png", "png", "image/png"),
    JPEG("jpeg", "jpg", "image/jpeg"),
    WEBP("webp", "webp", "image/webp");

    private final String wireName;
    private final String extension;
    private final String contentType;

    ImageFormat(String wireName, String extension, String contentType) {
      this.wireName = wireName;
      this.extension = extension;
      this.contentType = contentType;
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
  }

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static ThumbnailSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "thumbnail", PARAMS);
    return new ThumbnailSpec(
        ParamRules.seconds(params, "time", 0, LONGEST_SECONDS),
        ParamRules.choice(params, "format", null, ImageFormat.values(), ImageFormat::wireName),
        ParamRules.integer(params, "width", 1280, 16, 3840),
        ParamRules.integer(params, "height", 720, 16, 2160),
        ParamRules.color(params, "color", WaveformSpec.DEFAULT.color()),
        ParamRules.color(params, "background", "#ffffff"));
  }

  /** The format asked for, or the default for a video frame or a waveform. */
  public ImageFormat formatFor(boolean videoFrame) {
    return format != null ? format : videoFrame ? ImageFormat.JPEG : ImageFormat.PNG;
  }
}
