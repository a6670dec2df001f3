package io.atelier.tokens;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * What a collaboration token lets its bearer do: open one document of one project, to read or to edit, until then;
 * {@code holder} is whom it was given to ({@code null} only in tokens issued before tokens named their holder).
 */
public record DocumentGrant(UUID projectId, String document, Access access, Instant expiresAt, TokenHolder holder) {

  /** Read: sync and see who is there; write: edit too. */
  public enum Access {
    READ, WRITE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code read} or {@code write}; fails naming both. */
    public static Access fromWire(String value) {
      for (Access access : values()) {
        if (access.wireName().equals(value)) {
          return access;
        }
      }
      throw new IllegalArgumentException("access must be 'read' or 'write', was '" + value + "'");
    }
  }

  public DocumentGrant {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (access == Access.WRITE && holder != null && !holder.mayWrite()) {
      throw new IllegalArgumentException("a key with the read role gets read-only document grants");
    }
  }

  public boolean canWrite() {
    return access == Access.WRITE;
  }
}
