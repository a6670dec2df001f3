package io.atelier.edge;

import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem: the one shape every error of the API takes. Thrown from a route, it is written by
 * {@link ProblemResponder}.
 */
public final class Problem extends RuntimeException {

  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String slug;
  private final String title;
  private final JsonObject extensions;

  private Problem(int status, String slug, String title, String detail, JsonObject extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.extensions = extensions;
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "Bad request", detail, new JsonObject());
  }

  /** A field of the request is missing or wrong; the problem names it. */
  public static Problem invalidField(String field, String detail) {
    return new Problem(400, "invalid-field", "Invalid field", detail, new JsonObject().put("field", field));
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Unauthorized", detail, new JsonObject());
  }

  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail, new JsonObject());
  }

  public static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail, new JsonObject());
  }

  public static Problem conflict(String detail, JsonObject extensions) {
    return new Problem(409, "conflict", "Conflict", detail, extensions);
  }

  public static Problem unsupportedMediaType(String detail) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", detail, new JsonObject());
  }

  /** The key made more requests than its limit allows; {@code extensions} say how many it may. */
  public static Problem rateLimited(String detail, JsonObject extensions) {
    return new Problem(429, "rate-limited", "Too many requests", detail, extensions);
  }

  /** A quota of the project would be passed ({@code 413} for stored bytes, {@code 429} for what runs at once). */
  public static Problem quotaExceeded(int status, String detail, JsonObject extensions) {
    return new Problem(status, "quota-exceeded", "Quota exceeded", detail, extensions);
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'), title, detail,
        new JsonObject());
  }

  public int status() {
    return status;
  }

  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject()
        .put("type", "/problems/" + slug)
        .put("title", title)
        .put("status", status)
        .put("detail", getMessage())
        .put("instance", instance);
    extensions.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
