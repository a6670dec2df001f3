package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A socket the edge relays to a collab node, against real WebSocket servers standing in for the node: one that
 * answers, one gone silent. The timings are shortened (a ping every 200 ms, read-idle after 1 s).
 */
class CollabRelayKeepAliveTest {

  private Vertx vertx;
  private WebSocketClient client;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient(CollabRoute.relayOptions(65_536, 1));
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A collab node that takes sockets and, when {@code silent}, stops reading them (so answers no ping). */
  private WebSocket relayTo(boolean silent) throws Exception {
    HttpServer node = await(vertx.createHttpServer()
        .webSocketHandler(socket -> {
          if (silent) {
            socket.pause();
          }
        })
        .listen(0, "127.0.0.1"));
    WebSocket origin = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(node.actualPort()).setURI("/collab/doc")));
    CollabRoute.keepAlive(vertx, origin, 200);
    return origin;
  }

  private Future<Void> closed(WebSocket origin) {
    Promise<Void> closed = Promise.promise();
    origin.closeHandler(v -> closed.tryComplete());
    return closed.future();
  }

  @Test
  void aCollabNodeThatStopsAnsweringHasItsRelayedSocketClosed() throws Exception {
    WebSocket origin = relayTo(true);
    long started = System.nanoTime();

    await(closed(origin));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
  }

  @Test
  void aCollabNodeThatAnswersPingsKeepsAQuietSocketOpen() throws Exception {
    WebSocket origin = relayTo(false);
    Future<Void> closed = closed(origin);

    // Three read-idle periods without a frame from the node: only its pongs.
    await(vertx.timer(3_000));

    assertThat(closed.isComplete()).isFalse();
    assertThat(origin.isClosed()).isFalse();
  }
}
