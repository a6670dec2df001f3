package io.atelier.media;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What ffprobe says of a media file: its container, duration and streams. Stored with the asset and shown by the API.
 *
 * @param container ffprobe's format name, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2} or {@code wav}
 * @param bitRate bits per second, when ffprobe knows it
 */
public record MediaInfo(String container, double durationSeconds, Long bitRate, List<Stream> streams) {

  /**
   * One stream. {@code type} is {@code audio}, {@code video} (cover art is not one: see {@link MediaProbe}),
   * {@code subtitle} or {@code data}; the fields that do not apply to it are null.
   */
  public record Stream(int index, String type, String codec, Integer channels, Integer sampleRate, Integer width,
                       Integer height) {

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("index", index).put("type", type).put("codec", codec);
      putIfSet(json, "channels", channels);
      putIfSet(json, "sampleRate", sampleRate);
      putIfSet(json, "width", width);
      putIfSet(json, "height", height);
      return json;
    }

    static Stream fromJson(JsonObject json) {
      return new Stream(json.getInteger("index"), json.getString("type"), json.getString("codec"),
          json.getInteger("channels"), json.getInteger("sampleRate"), json.getInteger("width"),
          json.getInteger("height"));
    }
  }

  public boolean hasAudio() {
    return streams.stream().anyMatch(s -> s.type().equals("audio"));
  }

  public boolean hasVideo() {
    return streams.stream().anyMatch(s -> s.type().equals("video"));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("container", container).put("durationSeconds", durationSeconds);
    putIfSet(json, "bitRate", bitRate);
    return json.put("streams", new JsonArray(streams.stream().map(Stream::toJson).toList()));
  }

  public static MediaInfo fromJson(JsonObject json) {
    return new MediaInfo(json.getString("container"), json.getDouble("durationSeconds"), json.getLong("bitRate"),
        json.getJsonArray("streams").stream().map(s -> Stream.fromJson((JsonObject) s)).toList());
  }

  private static void putIfSet(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
