package io.atelier.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events stream read as it arrives, the way an EventSource reads it: each event is parsed when its
 * blank line comes in and handed over with the moment it arrived, so a test can tell what came before what.
 */
final class LiveEventStream implements AutoCloseable {

  /** An event and the moment it arrived. */
  record Arrived(long id, String type, JsonObject data, long arrivedNanos) {
  }

  private static final Arrived END = new Arrived(-1, "end", new JsonObject(), 0);

  private final HttpClient client;
  private final BlockingQueue<Arrived> arrivals = new LinkedBlockingQueue<>();
  private final StringBuilder pending = new StringBuilder();
  private final List<Arrived> seen = new ArrayList<>();
  private volatile HttpClientResponse response;
  private volatile Long retryMillis;
  private volatile boolean ended;

  private LiveEventStream(HttpClient client) {
    this.client = client;
  }

  /** Opens {@code path} on the edge at {@code port} with the key, resuming after {@code lastEventId} when given. */
  static LiveEventStream open(Vertx vertx, int port, String apiKey, String path, String lastEventId) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    LiveEventStream stream = new LiveEventStream(client);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path)
        .putHeader("Authorization", "Bearer " + apiKey).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    // The handlers are set on the event loop as the head arrives: events already in the first chunk are not lost.
    stream.response = ApiClient.await(client.request(options).compose(request -> request.send()).onSuccess(response -> {
      if (response.statusCode() == 200) {
        response.handler(stream::receive);
        response.endHandler(v -> stream.finish());
        response.exceptionHandler(e -> stream.finish());
      }
    }));
    if (stream.response.statusCode() != 200) {
      String body = ApiClient.await(stream.response.body()).toString();
      client.close();
      throw new AssertionError("event stream " + path + " answered " + stream.response.statusCode() + ": " + body);
    }
    return stream;
  }

  private synchronized void receive(Buffer chunk) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      parse(block);
    }
  }

  /** One event block as an EventSource reads it: its id, type and data; the retry hint, if any; comments skipped. */
  record Block(Long id, String type, JsonObject data, Long retryMillis) {
  }

  static Block block(String text) {
    Long id = null;
    Long retry = null;
    String type = "message";
    StringBuilder data = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith("id: ")) {
        id = Long.parseLong(line.substring(4));
      } else if (line.startsWith("event: ")) {
        type = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      } else if (line.startsWith("retry: ")) {
        retry = Long.parseLong(line.substring(7).trim());
      }
    }
    return new Block(id, type, id == null ? null : new JsonObject(data.toString()), retry);
  }

  private void parse(String text) {
    Block block = block(text);
    if (block.retryMillis() != null) {
      retryMillis = block.retryMillis();
    }
    if (block.id() != null) {
      arrivals.add(new Arrived(block.id(), block.type(), block.data(), System.nanoTime()));
    }
  }

  private void finish() {
    ended = true;
    arrivals.add(END);
  }

  /** The next event, or an error when none arrives in time; null when the server ended the stream. */
  Arrived next(Duration timeout) throws InterruptedException {
    Arrived event = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + timeout + " after " + seen);
    }
    if (event == END) {
      arrivals.add(END);
      return null;
    }
    seen.add(event);
    return event;
  }

  /** Reads events until one matches, failing when the stream ends or nothing matching arrives in time. */
  Arrived awaitEvent(Predicate<Arrived> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching event within " + timeout + "; seen " + seen);
      }
      Arrived event = next(Duration.ofNanos(left));
      if (event == null) {
        throw new AssertionError("the stream ended before a matching event; seen " + seen);
      }
      if (matching.test(event)) {
        return event;
      }
    }
  }

  /** Reads until the server ends the stream, returning every event read so far (this call's and earlier ones). */
  List<Arrived> readToEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) != null) {
      // next() keeps what it reads
    }
    return List.copyOf(seen);
  }

  /** The events read so far. */
  List<Arrived> seen() {
    return List.copyOf(seen);
  }

  boolean ended() {
    return ended;
  }

  /** The {@code retry:} hint the server sent, if it sent one. */
  Long retryMillis() {
    return retryMillis;
  }

  static Predicate<Arrived> state(String state) {
    return e -> e.type().equals("state") && e.data().getString("state").equals(state);
  }

  @Override
  public void close() {
    if (!ended && response != null) {
      response.request().reset();
    }
    client.close();
  }
}
