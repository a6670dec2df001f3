package io.atelier.tokens;

import java.util.Objects;
import java.util.UUID;

/**
 * What an upload token lets its bearer do: upload files into one project; {@code holder} is whom it was given to
 * ({@code null} only in tokens issued before tokens named their holder).
 */
public record UploadGrant(UUID projectId, TokenHolder holder) {

  public UploadGrant {
    Objects.requireNonNull(projectId, "projectId");
  }
}
