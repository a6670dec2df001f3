package io.atelier.contracts;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The entry a job leaves in its kind's Redis stream. It names the job only: PostgreSQL holds the job itself, so a
 * worker always reads the current row and a stale or repeated entry cannot run a job twice.
 */
public record QueuedJob(UUID jobId, UUID projectId, JobKind kind) {

  public static final int SCHEMA_VERSION = 1;

  public QueuedJob {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(kind, "kind");
  }

  public Map<String, String> toStreamFields() {
    return Map.of(
        "v", Integer.toString(SCHEMA_VERSION),
        "job", jobId.toString(),
        "project", projectId.toString(),
        "kind", kind.wireName());
  }

  /** Parses a stream entry; throws {@link IllegalArgumentException} naming the bad field. */
  public static QueuedJob fromStreamFields(Map<String, String> fields) {
    return new QueuedJob(
        uuid(fields, "job"),
        uuid(fields, "project"),
        JobKind.fromWireName(fields.get("kind"))
            .orElseThrow(() -> new IllegalArgumentException("stream entry has unknown kind " + fields.get("kind"))));
  }

  private static UUID uuid(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("stream entry lacks field " + name);
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("stream entry field " + name + " is not a UUID: " + value);
    }
  }
}
