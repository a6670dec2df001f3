package io.atelier.upload;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The headers of tus 1.0.0 (https://tus.io/protocols/resumable-upload) and their syntax: the core protocol and the
 * creation, creation-with-upload, creation-defer-length, termination, checksum and expiration extensions.
 */
final class TusProtocol {

  static final String VERSION = "1.0.0";
  static final String RESUMABLE = "Tus-Resumable";
  static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration";
  /** The checksum extension requires sha1; the others are offered beside it. */
  static final String CHECKSUM_ALGORITHMS = "sha1,sha256,md5";
  static final String OFFSET = "Upload-Offset";
  static final String LENGTH = "Upload-Length";
  static final String DEFER_LENGTH = "Upload-Defer-Length";
  static final String METADATA = "Upload-Metadata";
  static final String CHECKSUM = "Upload-Checksum";
  static final String EXPIRES = "Upload-Expires";
  static final String OCTET_STREAM = "application/offset+octet-stream";
  /** 460, the checksum extension's status for a body that does not match its checksum. */
  static final int CHECKSUM_MISMATCH = 460;
  /** The headers a browser's script may read (CORS), every one the protocol answers with. */
  static final String EXPOSED_HEADERS = "Upload-Offset, Location, Upload-Length, Tus-Version, Tus-Resumable, "
      + "Tus-Max-Size, Tus-Extension, Upload-Metadata, Upload-Defer-Length, Upload-Concat, Upload-Expires, "
      + "Atelier-Asset-Id";

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
  private static final Pattern METADATA_KEY = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]+");
  private static final Map<String, String> DIGESTS = Map.of("sha1", "SHA-1", "sha256", "SHA-256", "md5", "MD5");

  private TusProtocol() {
  }

  /** A non-negative integer header, or null when absent; 400 naming the header otherwise. */
  static Long number(String header, String value) {
    if (value == null) {
      return null;
    }
    if (!DIGITS.matcher(value.trim()).matches()) {
      throw TusException.badRequest(header + " must be a non-negative integer, was '" + value + "'");
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw TusException.badRequest(header + " is too large: " + value);
    }
  }

  /**
   * {@code Upload-Metadata}: comma-separated pairs of a key (ASCII, no spaces or commas, unique) and an optional
   * base64 value. Kept as received, key to base64 (or null), so that HEAD gives back exactly what was sent.
   */
  static JsonObject metadata(String header) {
    JsonObject pairs = new JsonObject();
    if (header == null || header.isBlank()) {
      return pairs;
    }
    for (String pair : header.split(",", -1)) {
      String[] parts = pair.trim().split(" ", -1);
      if (parts.length > 2 || parts[0].isEmpty() || !METADATA_KEY.matcher(parts[0]).matches()) {
        throw TusException.badRequest("Upload-Metadata must be 'key base64value' pairs separated by commas; '"
            + pair.trim() + "' is not one");
      }
      if (pairs.containsKey(parts[0])) {
        throw TusException.badRequest("Upload-Metadata names the key '" + parts[0] + "' twice");
      }
      String value = parts.length == 2 ? parts[1] : null;
      if (value != null) {
        try {
          Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
          throw TusException.badRequest("Upload-Metadata's value of '" + parts[0] + "' is not base64");
        }
      }
      pairs.put(parts[0], value);
    }
    return pairs;
  }

  /** {@code Upload-Metadata} as HEAD answers it: the pairs as they were sent. */
  static String metadataHeader(JsonObject pairs) {
    StringBuilder header = new StringBuilder();
    pairs.forEach(e -> {
      if (!header.isEmpty()) {
        header.append(',');
      }
      header.append(e.getKey());
      if (e.getValue() != null) {
        header.append(' ').append(e.getValue());
      }
    });
    return header.toString();
  }

  /** The decoded UTF-8 value of a metadata key, or null. */
  static String metadataValue(JsonObject pairs, String key) {
    String value = pairs.getString(key);
    return value == null ? null : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  /** A PATCH's {@code Upload-Checksum}: the algorithm's digest, to update with the body, and the expected value. */
  record Checksum(String algorithm, MessageDigest digest, byte[] expected) {

    boolean matches() {
      return MessageDigest.isEqual(digest.digest(), expected);
    }
  }

  static Checksum checksum(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split(" ");
    if (parts.length != 2) {
      throw TusException.badRequest("Upload-Checksum must be '<algorithm> <base64 digest>', was '" + header + "'");
    }
    String algorithm = parts[0].toLowerCase(Locale.ROOT);
    String jca = DIGESTS.get(algorithm);
    if (jca == null) {
      throw TusException.badRequest("Upload-Checksum's algorithm '" + parts[0] + "' is not supported; these are: "
          + CHECKSUM_ALGORITHMS);
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw TusException.badRequest("Upload-Checksum's digest is not base64");
    }
    try {
      return new Checksum(algorithm, MessageDigest.getInstance(jca), expected);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jca + " is part of every JVM", e);
    }
  }
}
