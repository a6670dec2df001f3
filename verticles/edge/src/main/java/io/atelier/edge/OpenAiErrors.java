package io.atelier.edge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure handler of the OpenAI-compatible routes: errors in OpenAI's own body,
 * {@code {"error":{"message","type","param","code"}}}, with its status codes, since OpenAI's SDKs parse that shape
 * there. The mesh's problems (authentication, media refused, a dependency down) are mapped to it here.
 */
final class OpenAiErrors implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrors.class);
  static final String INVALID_REQUEST = "invalid_request_error";
  static final String SERVER_ERROR = "server_error";

  /** An error of an OpenAI-compatible route, as OpenAI's API reports it. */
  static final class OpenAiError extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;

    OpenAiError(int status, String type, String message, String param, String code) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
      this.param = param;
      this.code = code;
    }

    static OpenAiError invalid(String param, String message) {
      return new OpenAiError(400, INVALID_REQUEST, message, param, null);
    }

    JsonObject toJson() {
      return new JsonObject().put("error", new JsonObject().put("message", getMessage()).put("type", type)
          .put("param", param).put("code", code));
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    OpenAiError error = toError(ctx);
    if (error.status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
    }
    if (error.status == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    ProblemResponder.closeIfBodyUnread(ctx);
    ctx.response().setStatusCode(error.status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.toJson().encode());
  }

  private static OpenAiError toError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof OpenAiError error) {
      return error;
    }
    if (failure instanceof Problem problem) {
      return fromProblem(problem);
    }
    int status = failure == null ? ctx.statusCode() : -1;
    if (status == 404) {
      return new OpenAiError(404, INVALID_REQUEST, "Invalid URL (" + ctx.request().method() + " "
          + ctx.request().path() + ")", null, null);
    }
    if (status == 413) {
      return new OpenAiError(413, INVALID_REQUEST, "Maximum content size limit exceeded.", null, null);
    }
    if (status >= 400 && status < 500) {
      return new OpenAiError(status, INVALID_REQUEST, "the request failed with status " + status, null, null);
    }
    if (failure != null && ProblemResponder.isUnavailable(failure)) {
      LOG.warn("request={} {} failed, a dependency is unavailable: {}", ctx.request().method(), ctx.request().path(),
          failure.toString());
      return new OpenAiError(503, SERVER_ERROR, "a backing service is unavailable; retry shortly", null, null);
    }
    LOG.error("request={} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return new OpenAiError(500, SERVER_ERROR, "The server had an error while processing your request.", null, null);
  }

  private static OpenAiError fromProblem(Problem problem) {
    JsonObject json = problem.toJson("");
    String message = problem.getMessage();
    return switch (problem.status()) {
      case 401 -> new OpenAiError(401, INVALID_REQUEST, message, null, "invalid_api_key");
      case 403 -> new OpenAiError(403, INVALID_REQUEST, message, null, "insufficient_permissions");
      // The media check's refusal: OpenAI answers an unreadable file with a 400 naming the file.
      case 415 -> new OpenAiError(400, INVALID_REQUEST, "Invalid file format. " + message, "file", "invalid_file_format");
      // As OpenAI reports its own rate limits; its SDKs wait for Retry-After and try again.
      case 429 -> json.containsKey("quota") ? new OpenAiError(429, "insufficient_quota", message, null,
          "insufficient_quota") : new OpenAiError(429, "requests", message, null, "rate_limit_exceeded");
      case 413 -> new OpenAiError(413, INVALID_REQUEST, message, "file", json.containsKey("quota")
          ? "insufficient_quota" : null);
      case 503 -> new OpenAiError(503, SERVER_ERROR, message, null, null);
      default -> new OpenAiError(problem.status(), problem.status() >= 500 ? SERVER_ERROR : INVALID_REQUEST, message,
          json.getString("field"), null);
    };
  }
}
