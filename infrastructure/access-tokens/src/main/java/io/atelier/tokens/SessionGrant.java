package io.atelier.tokens;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a session token lets its bearer do: act in one project as {@code holder}'s key, with no more than that key's
 * role, until {@code expiresAt} (and only while the key is not revoked, which the one who checks the token looks up).
 */
public record SessionGrant(UUID projectId, TokenHolder holder, Instant expiresAt) {

  public SessionGrant {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
