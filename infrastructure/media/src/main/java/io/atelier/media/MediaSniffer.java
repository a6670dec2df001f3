package io.atelier.media;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.tika.Tika;

/**
 * Names the media type of a file from its bytes alone (Tika's magic numbers); the file name and the type the client
 * claims are ignored. Only the formats the mesh can process are accepted.
 */
public final class MediaSniffer {

  private static final Map<String, String> ACCEPTED = Map.ofEntries(
      Map.entry("audio/vnd.wave", "audio/wav"),
      Map.entry("audio/wav", "audio/wav"),
      Map.entry("audio/x-wav", "audio/wav"),
      Map.entry("audio/mpeg", "audio/mpeg"),
      Map.entry("audio/ogg", "audio/ogg"),
      Map.entry("audio/vorbis", "audio/ogg"),
      Map.entry("audio/opus", "audio/ogg"),
      Map.entry("audio/speex", "audio/ogg"),
      Map.entry("application/ogg", "audio/ogg"),
      Map.entry("application/kate", "audio/ogg"),
      Map.entry("video/ogg", "video/ogg"),
      Map.entry("audio/x-oggflac", "audio/ogg"),
      Map.entry("audio/x-flac", "audio/flac"),
      Map.entry("audio/flac", "audio/flac"),
      Map.entry("video/mp4", "video/mp4"),
      Map.entry("video/quicktime", "video/mp4"),
      Map.entry("video/x-m4v", "video/mp4"),
      Map.entry("audio/mp4", "audio/mp4"),
      Map.entry("audio/x-m4a", "audio/mp4"),
      // What browsers record (MediaRecorder) and phones save: ffmpeg decodes them all.
      Map.entry("video/webm", "video/webm"),
      Map.entry("audio/webm", "audio/webm"),
      Map.entry("application/x-matroska", "video/x-matroska"),
      Map.entry("video/x-matroska", "video/x-matroska"),
      Map.entry("audio/x-matroska", "video/x-matroska"),
      Map.entry("audio/x-aac", "audio/aac"),
      Map.entry("audio/aac", "audio/aac"),
      Map.entry("audio/x-aiff", "audio/aiff"),
      Map.entry("audio/aiff", "audio/aiff"),
      Map.entry("video/3gpp", "video/3gpp"),
      Map.entry("audio/3gpp", "video/3gpp"));

  /** Tika's magic numbers look no further than this into a file. */
  public static final int HEAD_BYTES = 64 * 1024;

  private final Tika tika = new Tika();

  /** The canonical media type of the file, or empty when it is not a format the mesh accepts. Blocking. */
  public Optional<String> sniff(Path file) throws IOException {
    return sniff(head(file));
  }

  /** The same from the first bytes of a file (up to {@link #HEAD_BYTES}; more are ignored). */
  public Optional<String> sniff(byte[] head) {
    Optional<String> type = Optional.ofNullable(ACCEPTED.get(detect(head)));
    return type.equals(Optional.of("video/x-matroska")) && isWebm(head) ? Optional.of("video/webm") : type;
  }

  /** What Tika saw, for error messages. */
  public String describe(byte[] head) {
    return detect(head);
  }

  /** What Tika saw, for error messages. Blocking. */
  public String describe(Path file) throws IOException {
    return describe(head(file));
  }

  private String detect(byte[] head) {
    try {
      return tika.detect(new ByteArrayInputStream(head, 0, Math.min(head.length, HEAD_BYTES)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(HEAD_BYTES);
    }
  }

  /** WebM is Matroska with the EBML DocType "webm" (element 0x4282, here with a 4-byte size 0x84). */
  private static boolean isWebm(byte[] file) {
    int length = Math.min(file.length, 64);
    byte[] docType = {0x42, (byte) 0x82, (byte) 0x84, 'w', 'e', 'b', 'm'};
    outer:
    for (int i = 0; i + docType.length <= length; i++) {
      for (int j = 0; j < docType.length; j++) {
        if (file[i + j] != docType[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  public static String acceptedFormats() {
    return "WAV, MP3, OGG, FLAC, MP4, WebM/Matroska, AAC, AIFF, 3GP";
  }
}
