package io.atelier.upload;

import io.atelier.database.ProjectOverrides;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code upload} section, read once at start-up.
 *
 * @param host the interface the upload port listens on
 * @param port the upload port (0: any free one); an edge of the same node also serves {@code /files/} on its own
 * @param advertisedHost the address other nodes' edges reach this port at
 * @param maxBytes the largest upload accepted ({@code Tus-Max-Size}; 413 above it)
 * @param expirySeconds how long an unfinished upload may wait for its next byte before it expires
 * @param deferredPartBytes the part size of uploads whose length is not declared at creation (at most 10,000 parts)
 * @param partsInFlight how many parts of one PATCH are sent to S3 at once; with the part being filled, a PATCH holds
 *     this many parts plus one in memory
 * @param leaseSeconds how long a PATCH holds its upload without renewing: a PATCH from a node that died is taken
 *     over once this has passed, so it is shorter than tus-js-client's default retries (0, 1, 3 and 5 s: 9 s)
 * @param idleSeconds a PATCH that sends nothing for this long is ended, keeping what it sent
 * @param allowedTypes the media types uploads may have ({@code audio/*} for a family), as sniffed; empty for every
 *     type the mesh reads
 * @param projects per project (by id), a {@code maxBytes} and {@code allowedTypes} of its own
 */
public record UploadConfig(String host, int port, String advertisedHost, long maxBytes, long expirySeconds,
                           long deferredPartBytes, int partsInFlight, int leaseSeconds, int idleSeconds,
                           List<String> allowedTypes, Map<UUID, ProjectLimits> projects) {

  /** One project's limits; a null field takes the section's. */
  public record ProjectLimits(Long maxBytes, List<String> allowedTypes) {
  }

  /** S3's smallest part (but the last). */
  static final long MIN_PART_BYTES = 5L << 20;
  /** Part numbers are 1..10,000; this many leaves room for the numbers that PATCHes taken over never used. */
  static final int PLANNED_PARTS = 9_000;

  public UploadConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("upload.host must name an interface, e.g. 0.0.0.0");
    }
    range("port", port, 0, 65_535);
    range("maxBytes", maxBytes, 1, 5L << 40);
    range("expirySeconds", expirySeconds, 5, 30L * 24 * 3600);
    range("deferredPartBytes", deferredPartBytes, MIN_PART_BYTES, 512L << 20);
    range("partsInFlight", partsInFlight, 1, 16);
    range("leaseSeconds", leaseSeconds, 3, 3600);
    range("idleSeconds", idleSeconds, 1, 3600);
    allowedTypes = List.copyOf(allowedTypes);
    projects = Map.copyOf(projects);
    for (ProjectLimits limits : projects.values()) {
      if (limits.maxBytes() != null) {
        range("projects.<id>.maxBytes", limits.maxBytes(), 1, maxBytes);
      }
    }
  }

  /** The largest upload {@code project} may make. */
  long maxBytesOf(UUID project) {
    ProjectLimits limits = projects.get(project);
    return limits == null || limits.maxBytes() == null ? maxBytes : limits.maxBytes();
  }

  /** The types {@code project} may upload (empty: all the mesh reads). */
  List<String> allowedTypesOf(UUID project) {
    ProjectLimits limits = projects.get(project);
    return limits == null || limits.allowedTypes() == null ? allowedTypes : limits.allowedTypes();
  }

  /** Whether {@code project} may upload a file of {@code contentType} ({@code type/*} entries match a family). */
  boolean allows(UUID project, String contentType) {
    List<String> allowed = allowedTypesOf(project);
    String type = contentType.toLowerCase(Locale.ROOT);
    return allowed.isEmpty() || allowed.stream().anyMatch(a -> a.endsWith("/*")
        ? type.startsWith(a.substring(0, a.length() - 1)) : a.equals(type));
  }

  public static UploadConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("upload", new JsonObject());
    String host = section.getString("host", "0.0.0.0");
    return new UploadConfig(host, (int) number(section, "port", 8091),
        section.getString("advertisedHost", host.equals("0.0.0.0") ? "127.0.0.1" : host),
        number(section, "maxBytes", 50L << 30),
        number(section, "expirySeconds", 24 * 3600),
        number(section, "deferredPartBytes", 16L << 20),
        (int) number(section, "partsInFlight", 4),
        (int) number(section, "leaseSeconds", 8),
        (int) number(section, "idleSeconds", 60),
        types(section.getValue("allowedTypes"), "upload.allowedTypes"),
        ProjectOverrides.read(section, "upload.", UploadConfig::projectLimits));
  }

  private static List<String> types(Object value, String key) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof io.vertx.core.json.JsonArray array) || !array.stream().allMatch(t -> t instanceof String s
        && s.matches("[a-z0-9.+-]+/([a-z0-9.+-]+|\\*)"))) {
      throw new IllegalArgumentException(key + " must be a list of media types such as \"audio/*\" or \"video/mp4\"");
    }
    return array.stream().map(t -> ((String) t)).toList();
  }

  private static ProjectLimits projectLimits(JsonObject limits, String at) {
    Object max = limits.getValue("maxBytes");
    if (max != null && !(max instanceof Integer || max instanceof Long)) {
      throw new IllegalArgumentException(at + "maxBytes must be a whole number");
    }
    return new ProjectLimits(max == null ? null : ((Number) max).longValue(),
        limits.containsKey("allowedTypes") ? types(limits.getValue("allowedTypes"), at + "allowedTypes") : null);
  }

  /**
   * The part size for an upload of {@code length} bytes (null: not declared): S3's 5 MiB at least, and large enough
   * that the upload fits in {@link #PLANNED_PARTS} parts, in whole MiB.
   */
  long partSize(Long length) {
    if (length == null) {
      return deferredPartBytes;
    }
    long mib = 1L << 20;
    long needed = (length + PLANNED_PARTS - 1) / PLANNED_PARTS;
    return Math.max(MIN_PART_BYTES, (needed + mib - 1) / mib * mib);
  }

  /** The longest upload whose length is deferred: its part size times the part numbers. */
  long deferredMaxBytes() {
    return Math.min(maxBytes, deferredPartBytes * PLANNED_PARTS);
  }

  private static long number(JsonObject section, String key, long fallback) {
    Object value = section.getValue(key, fallback);
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("upload." + key + " must be a whole number, was " + value);
    }
    return ((Number) value).longValue();
  }

  private static void range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("upload." + key + " must be " + min + ".." + max + ", was " + value);
    }
  }
}
