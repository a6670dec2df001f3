package io.atelier.edge;

import io.atelier.contracts.EndpointRequest;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ServiceEndpoint;
import io.atelier.node.Node;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;

/**
 * {@code /files/}: resumable uploads on the edge's origin. A node that runs the upload verticle too hands requests to
 * it directly; any other edge relays them, streamed both ways, to an upload node the bus names. Any upload node can
 * take any request of any upload, so each request may go to another one.
 */
final class UploadRoute {

  private static final long ENDPOINT_TIMEOUT_MILLIS = 2_000;
  /**
   * A relayed connection that moves no byte either way for this long is closed, so an upload node that went silent
   * cannot hold the client's request for ever. Longer than anything an upload node rightly keeps quiet for: the
   * end of a large upload, a PATCH waiting out {@code upload.idleSeconds} (60 by default; a longer one is cut here,
   * and the client resumes as after any broken PATCH).
   */
  private static final int RELAY_IDLE_SECONDS = 600;

  private final Vertx vertx;
  private final Node node;
  private final HttpProxy proxy;

  UploadRoute(Vertx vertx, Node node) {
    this.vertx = vertx;
    this.node = node;
    this.proxy = HttpProxy.reverseProxy(vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000)
            .setIdleTimeout(RELAY_IDLE_SECONDS)))
        .origin(OriginRequestProvider.selector(proxied -> uploadNode()));
  }

  void mount(Router router) {
    router.route("/files/*").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    var local = node.localEndpoint("upload");
    if (local.isPresent()) {
      local.get().handle(ctx.request());
    } else {
      proxy.handle(ctx.request());
    }
  }

  private Future<SocketAddress> uploadNode() {
    return vertx.eventBus().<JsonObject>request(BusAddresses.UPLOAD_ENDPOINTS, new EndpointRequest().toJson(),
            new DeliveryOptions().setSendTimeout(ENDPOINT_TIMEOUT_MILLIS))
        .map(reply -> ServiceEndpoint.fromJson(reply.body()))
        .map(endpoint -> SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host()));
  }
}
