package io.atelier.edge;

import io.atelier.contracts.EndpointRequest;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ServiceEndpoint;
import io.atelier.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /collab/}: collaboration sockets on the edge's origin, so browsers need no second address. A node that runs
 * the collab verticle too hands them to it directly; any other edge relays them, frame for frame, to a collab node
 * that the bus names (the bus spreads the requests over the collab nodes). Frames keep their fragmentation and a
 * close keeps its code and reason both ways, so clients see exactly what the collab node sent.
 */
final class CollabRoute {

  private static final long ENDPOINT_TIMEOUT_MILLIS = 2_000;
  /**
   * The edge pings each collab node it relays to this often, and closes a relayed socket that hears nothing from its
   * node (no frame, no pong) for {@link #RELAY_READ_IDLE_SECONDS}: a node gone silent (its machine lost, the network
   * cut) would otherwise hold the browser's socket for ever, as the edge answers the node's pings itself.
   */
  static final long RELAY_PING_MILLIS = 30_000;
  static final int RELAY_READ_IDLE_SECONDS = 90;
  private static final short GOING_AWAY = 1001;

  private final Vertx vertx;
  private final Node node;
  private final WebSocketClient client;
  /** The browsers' sockets relayed from here: a stopping edge closes them at once, so their clients reconnect. */
  private final Set<ServerWebSocket> relayed = new HashSet<>();
  private boolean stopping;

  CollabRoute(Vertx vertx, Node node, int maxMessageBytes) {
    this.vertx = vertx;
    this.node = node;
    this.client = vertx.createWebSocketClient(relayOptions(maxMessageBytes, RELAY_READ_IDLE_SECONDS));
  }

  /** The options of the client that relays sockets to collab nodes. */
  static WebSocketClientOptions relayOptions(int maxMessageBytes, int readIdleSeconds) {
    return new WebSocketClientOptions().setMaxFrameSize(maxMessageBytes).setMaxMessageSize(maxMessageBytes)
        .setConnectTimeout(5_000).setReadIdleTimeout(readIdleSeconds);
  }

  /** Pings {@code origin} every {@code pingMillis} until it closes; its pongs keep it from going read-idle. */
  static void keepAlive(Vertx vertx, WebSocket origin, long pingMillis) {
    vertx.setPeriodic(pingMillis, timer -> {
      if (origin.isClosed()) {
        vertx.cancelTimer(timer);
      } else {
        origin.writePing(Buffer.buffer());
      }
    });
  }

  void mount(Router router) {
    router.route("/collab/*").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    var local = node.localEndpoint("collab");
    if (local.isPresent()) {
      local.get().handle(request);
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      ctx.fail(Problem.of(426, "Upgrade required", "open /collab/{document} as a WebSocket (y-websocket protocol)"));
      return;
    }
    request.pause();
    vertx.eventBus().<JsonObject>request(BusAddresses.COLLAB_ENDPOINTS, new EndpointRequest().toJson(),
            new DeliveryOptions().setSendTimeout(ENDPOINT_TIMEOUT_MILLIS))
        .map(reply -> ServiceEndpoint.fromJson(reply.body()))
        .compose(endpoint -> client.connect(new WebSocketConnectOptions().setHost(endpoint.host())
            .setPort(endpoint.port()).setURI(request.uri())))
        .onSuccess(origin -> {
          // The collab node greets at once: hold that until the browser's side is there to take it.
          origin.pause();
          request.toWebSocket().onSuccess(browser -> {
            if (stopping) {
              browser.close(GOING_AWAY, "this node is stopping; reconnect");
              origin.close();
              return;
            }
            relayed.add(browser);
            keepAlive(vertx, origin, RELAY_PING_MILLIS);
            pipe(browser, origin, () -> relayed.remove(browser));
            pipe(origin, browser, () -> { });
            origin.resume();
          }).onFailure(e -> origin.close());
        })
        .onFailure(e -> {
          request.resume();
          ctx.fail(Problem.of(503, "Service unavailable", "no collab node took the socket: " + e.getMessage()));
        });
  }

  /**
   * Closes every relayed socket with 1001, as a collab node closes its own when it stops: the clients reconnect
   * through another edge at once instead of holding this one's drain until its grace is over.
   */
  void stop() {
    stopping = true;
    for (ServerWebSocket browser : List.copyOf(relayed)) {
      browser.close(GOING_AWAY, "this node is stopping; reconnect");
    }
    relayed.clear();
  }

  /** Frames from one side to the other, pausing the reader while the writer's queue is full. */
  private static void pipe(WebSocketBase from, WebSocketBase to, Runnable closed) {
    from.frameHandler(frame -> {
      // Frames still arriving from one side after the other closed (a stopping edge closes the browsers' first).
      if (to.isClosed()) {
        return;
      }
      if (frame.isBinary() || frame.isText() || frame.isContinuation()) {
        to.writeFrame(frame);
        if (to.writeQueueFull()) {
          from.pause();
          to.drainHandler(v -> from.resume());
        }
      }
    });
    from.closeHandler(v -> {
      closed.run();
      Short code = from.closeStatusCode();
      if (code == null || code == 1005 || code == 1006) {
        to.close();
      } else {
        to.close(code, from.closeReason());
      }
    });
    from.exceptionHandler(e -> to.close());
  }
}
