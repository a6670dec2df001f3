package io.atelier.media;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a media file's container and streams with ffprobe (Debian's {@code ffmpeg} package), from a local path or an
 * http(s) URL (a presigned S3 link: ffprobe reads only what it needs, with range requests). A file that ffprobe cannot
 * read as audio or video is refused with what ffprobe said. Blocking: run it on a worker thread.
 */
public final class MediaProbe {

  /** The file is not audio or video that ffprobe can read; the message says why, for the API's error. */
  public static final class UnreadableMediaException extends Exception {
    public UnreadableMediaException(String message) {
      super(message, null, false, false);
    }
  }

  private final Duration timeout;

  public MediaProbe(Duration timeout) {
    this.timeout = timeout;
  }

  public MediaInfo probe(String input) throws UnreadableMediaException, IOException {
    Process process = new ProcessBuilder("ffprobe", "-v", "error", "-hide_banner", "-print_format", "json",
        "-show_format", "-show_streams", "-i", input).redirectInput(ProcessBuilder.Redirect.from(
            new java.io.File("/dev/null"))).start();
    CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    String output = readAll(process.getInputStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new UnreadableMediaException("ffprobe did not finish reading the file within " + timeout.toSeconds()
            + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while ffprobe ran", e);
    }
    if (process.exitValue() != 0) {
      // ffprobe names its input in its messages: a presigned URL is a credential, and a path is nobody's business.
      String said = errors.join().replace(input, "the file").strip();
      throw new UnreadableMediaException("ffprobe cannot read it as audio or video: "
          + (said.isEmpty() ? "exit code " + process.exitValue() : lastLine(said)));
    }
    try {
      return parse(new JsonObject(output));
    } catch (DecodeException | ClassCastException | NumberFormatException e) {
      throw new IOException("ffprobe printed what is not its JSON: " + e.getMessage(), e);
    }
  }

  static MediaInfo parse(JsonObject probed) throws UnreadableMediaException {
    JsonObject format = probed.getJsonObject("format", new JsonObject());
    List<MediaInfo.Stream> streams = new ArrayList<>();
    for (Object item : probed.getJsonArray("streams", new JsonArray())) {
      JsonObject s = (JsonObject) item;
      String type = s.getString("codec_type", "data");
      // An MP3's or M4A's cover art is a one-frame "video" stream: the file is still audio only.
      if (type.equals("video") && s.getJsonObject("disposition", new JsonObject()).getInteger("attached_pic", 0) == 1) {
        type = "attachment";
      }
      boolean audio = type.equals("audio");
      boolean video = type.equals("video");
      streams.add(new MediaInfo.Stream(s.getInteger("index", streams.size()), type, s.getString("codec_name"),
          audio ? s.getInteger("channels") : null, audio ? integer(s.getString("sample_rate")) : null,
          video ? s.getInteger("width") : null, video ? s.getInteger("height") : null));
    }
    MediaInfo info = new MediaInfo(format.getString("format_name"), decimal(format.getString("duration")),
        longValue(format.getString("bit_rate")), List.copyOf(streams));
    if (!info.hasAudio() && !info.hasVideo()) {
      throw new UnreadableMediaException("it has no audio or video stream (ffprobe found "
          + (streams.isEmpty() ? "no streams" : streams.stream().map(MediaInfo.Stream::type).toList()) + ")");
    }
    if (!(info.durationSeconds() > 0)) {
      throw new UnreadableMediaException("ffprobe finds no duration in it: it holds no samples or frames");
    }
    return info;
  }

  private static Integer integer(String value) {
    return value == null ? null : Integer.valueOf(value);
  }

  private static Long longValue(String value) {
    return value == null ? null : Long.valueOf(value);
  }

  private static double decimal(String value) {
    return value == null ? 0 : Double.parseDouble(value);
  }

  private static String lastLine(String text) {
    String[] lines = text.split("\n");
    return lines[lines.length - 1].strip();
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
