package io.atelier.edge;

import io.atelier.jobs.IdempotencyConflictException;
import io.atelier.jobs.WrongStateException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router's failure handler: every error leaves the edge as {@code application/problem+json}. */
final class ProblemResponder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Problem problem = toProblem(ctx);
    if (problem.status() == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    closeIfBodyUnread(ctx);
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .end(problem.toJson(ctx.request().path()).encode());
  }

  /** How long the rest of a refused body is read and dropped before its connection is closed regardless. */
  private static final long LINGER_MILLIS = 5_000;

  /**
   * An error answered before the request's body was read (too large, no key, a failed lookup) ends its HTTP/1
   * connection: a client that sent its next request on it would wait behind body bytes nobody reads. The close
   * lingers: the rest of the body is read and dropped (a socket closed with bytes unread is reset, and the client
   * may lose the answer with it), the connection closing when the body ends, or after {@link #LINGER_MILLIS}.
   */
  static void closeIfBodyUnread(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded() || request.version() == HttpVersion.HTTP_2) {
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    long linger = ctx.vertx().setTimer(LINGER_MILLIS, t -> request.connection().close());
    request.endHandler(ended -> ctx.vertx().cancelTimer(linger));
    request.handler(dropped -> { }).resume();
  }

  private static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Problem problem) {
      return problem;
    }
    Problem domain = fromDomain(failure);
    if (domain != null) {
      return domain;
    }
    if (failure == null || ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      return statusProblem(ctx);
    }
    if (isUnavailable(failure)) {
      LOG.warn("request={} {} failed, a dependency is unavailable: {}", ctx.request().method(), ctx.request().path(),
          failure.toString());
      return Problem.of(503, "Service unavailable", "a backing service is unavailable; retry shortly");
    }
    LOG.error("request={} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Problem.of(500, "Internal server error", "the request failed on the server");
  }

  /** The job engine's refusals, as the problems they are: the one place they are mapped to HTTP. */
  private static Problem fromDomain(Throwable failure) {
    if (failure instanceof IdempotencyConflictException conflict) {
      return Problem.conflict(conflict.getMessage(), new JsonObject());
    }
    if (failure instanceof WrongStateException wrongState) {
      return Problem.conflict(wrongState.getMessage(), new JsonObject().put("state", wrongState.state().wireName()));
    }
    return null;
  }

  private static Problem statusProblem(RoutingContext ctx) {
    int status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
    return switch (status) {
      case 404 -> Problem.notFound("no resource at " + ctx.request().path());
      case 405 -> Problem.of(405, "Method not allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> Problem.of(413, "Content too large", "the request body exceeds the size limit");
      case 415 -> Problem.unsupportedMediaType("the request's content type is not accepted here");
      case 400 -> Problem.badRequest("the request is malformed");
      default -> Problem.of(status, "Error", "the request failed with status " + status);
    };
  }

  static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // An I/O failure under a request's handling is a backing service's (a refused connection; S3's client reports
      // a write the server cut off, after its own retries, with an IOException under its exception): retry shortly.
      if (t instanceof IOException || t instanceof ClosedConnectionException
          || t instanceof TimeoutException
          || t instanceof io.vertx.core.http.ConnectionPoolTooBusyException
          || (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("57P"))
          || String.valueOf(t.getMessage()).contains("Timeout")) {
        return true;
      }
    }
    return false;
  }
}
