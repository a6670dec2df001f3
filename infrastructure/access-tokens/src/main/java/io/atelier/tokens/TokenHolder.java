package io.atelier.tokens;

import java.util.Objects;
import java.util.UUID;

/**
 * Whom a token was given to: the API key that asked for it (the token's {@code sub}) and that key's role
 * ({@code role}) when it did. A token opens no more than its holder's role allows, even if the key's role changes
 * or the key is revoked before the token expires.
 *
 * @param role the key's role, as the API names it: {@code admin}, {@code member} or {@code read}
 */
public record TokenHolder(UUID keyId, String role) {

  /** The roles that may change things: edit a document, upload a file. */
  private static final java.util.Set<String> WRITING = java.util.Set.of("admin", "member");

  public TokenHolder {
    Objects.requireNonNull(keyId, "keyId");
    if (!WRITING.contains(role) && !"read".equals(role)) {
      throw new IllegalArgumentException("role must be 'admin', 'member' or 'read', was '" + role + "'");
    }
  }

  /** Whether the holder's role may change things, as opposed to read them. */
  public boolean mayWrite() {
    return WRITING.contains(role);
  }
}
