package io.atelier.node;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The answer to a request that the HTTP decoder could not read (a request line or headers over the server's limits,
 * or bytes that are not HTTP/1.x): the status Vert.x would send (414, 431 or 400), with a problem body saying which
 * limit or what was wrong, then the connection closed, as the stream can no longer be trusted. Every HTTP server of
 * the mesh installs it.
 */
public final class UnreadableRequests implements Handler<HttpServerRequest> {

  /** For {@link HttpServer#invalidRequestHandler}. */
  public static final UnreadableRequests INSTANCE = new UnreadableRequests();

  private UnreadableRequests() {
  }

  @Override
  public void handle(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    request.response().putHeader("Connection", "close");
    Future<Void> answered;
    if (cause instanceof TooLongHttpLineException) {
      answered = HttpProblems.answer(request.response(), 414, "uri-too-long", "URI too long",
          "the request line is longer than this server reads; send long inputs in a body");
    } else if (cause instanceof TooLongHttpHeaderException) {
      answered = HttpProblems.answer(request.response(), 431, "request-header-fields-too-large",
          "Request header fields too large", "the request's headers are larger than this server reads");
    } else {
      answered = HttpProblems.answer(request.response(), 400, "malformed-request", "Malformed request",
          "the request is not valid HTTP/1.1" + (cause == null || cause.getMessage() == null ? ""
              : ": " + cause.getMessage()));
    }
    answered.onComplete(v -> request.connection().close());
  }
}
