package io.atelier.database;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a page of a newest-first listing starts: after the row created at {@code createdAt} with {@code id} (ties
 * broken by id). Handed to clients as an opaque token ({@link #encode()}), which they give back to get the next page.
 */
public record PageCursor(OffsetDateTime createdAt, UUID id) {

  public String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((createdAt.toInstant() + "|" + id)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor a token names; empty if it is not one {@link #encode()} made. */
  public static Optional<PageCursor> decode(String token) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 2);
      return Optional.of(new PageCursor(Instant.parse(parts[0]).atOffset(ZoneOffset.UTC), UUID.fromString(parts[1])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
