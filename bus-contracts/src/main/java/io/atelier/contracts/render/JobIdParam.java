package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A param naming a job whose result a render uses ({@code transcriptJobId}, {@code enrichmentJobId}). */
final class JobIdParam {

  private JobIdParam() {
  }

  static UUID jobId(JsonObject params, String field) {
    Object value = params.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        // answered below
      }
    }
    throw new InvalidParamException(field, "must be a job id");
  }
}
