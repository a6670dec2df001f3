package io.atelier.upload;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** A refusal with its HTTP status, answered as {@code application/problem+json} with the tus headers. */
final class TusException extends RuntimeException {

  private final int status;
  private final String title;

  TusException(int status, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  static TusException badRequest(String detail) {
    return new TusException(400, "Bad request", detail);
  }

  static TusException notFound(String detail) {
    return new TusException(404, "Not found", detail);
  }

  static TusException gone(String detail) {
    return new TusException(410, "Gone", detail);
  }

  static TusException conflict(String detail) {
    return new TusException(409, "Conflict", detail);
  }

  int status() {
    return status;
  }

  /** Ends {@code response} with this problem, unless it has been ended already. */
  void answer(HttpServerResponse response, String instance) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    JsonObject body = new JsonObject().put("type", "/problems/" + title.toLowerCase(java.util.Locale.ROOT)
            .replace(' ', '-')).put("title", title).put("status", status).put("detail", getMessage())
        .put("instance", instance);
    response.setStatusCode(status).putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION)
        .putHeader("Content-Type", "application/problem+json").end(body.encode());
  }
}
