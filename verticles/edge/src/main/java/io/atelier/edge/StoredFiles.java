package io.atelier.edge;

import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Files in S3 as the API hands them out: a presigned link that expires (the client fetches from S3 itself), or the
 * bytes relayed through the edge, streamed, with {@code Range} requests answered as S3 answers them (206 and
 * {@code Content-Range}, 416), so players can seek in a recording they stream from the API.
 */
final class StoredFiles {

  static final Duration DEFAULT_LINK = Duration.ofHours(1);
  /** S3 signs links for at most seven days. */
  static final Duration LONGEST_LINK = Duration.ofDays(7);
  private static final Duration RELAY_LINK = Duration.ofMinutes(5);
  /**
   * S3 silent for this long ends the relay (an error before the answer began, a cut answer after, which players ask
   * again for with a range): otherwise a silent S3 would hold the request and its connection for ever. A client that
   * reads nothing for as long is cut too, as the relay reads no more from S3 than the client takes.
   */
  private static final long RELAY_IDLE_MILLIS = 60_000;
  private static final String RANGE = "Range";

  private final ObjectStorage storage;
  private final HttpClient client;

  StoredFiles(Vertx vertx, ObjectStorage storage) {
    this.storage = storage;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  /** {@code ?ttlSeconds=} (default an hour, at most seven days) as a link's lifetime; 400 for a bad one. */
  static Duration linkLifetime(RoutingContext ctx) {
    String raw = ctx.request().getParam("ttlSeconds");
    if (raw == null) {
      return DEFAULT_LINK;
    }
    try {
      long seconds = Long.parseLong(raw);
      if (seconds >= 1 && seconds <= LONGEST_LINK.toSeconds()) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.invalidField("ttlSeconds", "ttlSeconds must be a whole number from 1 to "
        + LONGEST_LINK.toSeconds() + " (seven days)");
  }

  /** A link that reads the file with a plain GET until it expires. */
  JsonObject link(String key, Duration lifetime) {
    Instant expires = Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
    return new JsonObject().put("url", storage.presignGet(key, lifetime)).put("expiresAt", expires.toString());
  }

  /** Relays the file (or the range the request asks for) to the response, streamed. */
  Future<Void> send(RoutingContext ctx, String key, String contentType, String filename) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(storage.presignGet(key, RELAY_LINK))
        .setIdleTimeout(RELAY_IDLE_MILLIS);
    String range = ctx.request().getHeader(RANGE);
    if (range != null) {
      options.putHeader(RANGE, range);
    }
    return client.request(options).compose(request -> request.send()).compose(origin -> {
      HttpServerResponse response = ctx.response();
      int status = origin.statusCode();
      if (status == 404) {
        origin.end();
        return Future.failedFuture(Problem.notFound("the file is not in storage"));
      }
      if (status != 200 && status != 206 && status != 416) {
        origin.end();
        return Future.failedFuture(new IllegalStateException("storage answered " + status));
      }
      response.setStatusCode(status).putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
      for (CharSequence header : new CharSequence[] {HttpHeaders.CONTENT_LENGTH, HttpHeaders.CONTENT_RANGE,
          HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED}) {
        String value = origin.getHeader(header);
        if (value != null) {
          response.putHeader(header, value);
        }
      }
      if (status == 416) {
        origin.end();
        return response.end();
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
      if (filename != null) {
        response.putHeader("Content-Disposition", "attachment; filename=\"" + filename.replaceAll("[\"\\\\\\r\\n]", "_")
            + "\"");
      }
      return origin.pipeTo(response);
    });
  }
}
