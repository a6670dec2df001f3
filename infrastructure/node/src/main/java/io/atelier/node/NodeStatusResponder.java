package io.atelier.node;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.NodeStatusRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's answers on the bus: its status to anyone who asks all nodes ({@link BusAddresses#NODES}) or this one
 * ({@link BusAddresses#node}), and a drain when asked for one. Registered once the node has joined the cluster and
 * unregistered as it leaves, so a node that has left is no longer heard from.
 */
public final class NodeStatusResponder {

  private static final Logger LOG = LoggerFactory.getLogger(NodeStatusResponder.class);

  private final Vertx vertx;
  private final Node node;
  private final Runnable drain;
  private MessageConsumer<JsonObject> all;
  private MessageConsumer<JsonObject> one;

  /** {@code drain} drains and stops this node, as SIGTERM does; it turns the node to draining before it returns. */
  public NodeStatusResponder(Vertx vertx, Node node, Runnable drain) {
    this.vertx = vertx;
    this.node = node;
    this.drain = drain;
  }

  public Future<Void> start() {
    all = vertx.eventBus().consumer(BusAddresses.NODES, this::onStatusRequest);
    one = vertx.eventBus().consumer(BusAddresses.node(node.id()), this::onRequest);
    return Future.all(all.completion(), one.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.join(all == null ? Future.succeededFuture() : all.unregister(),
        one == null ? Future.succeededFuture() : one.unregister()).mapEmpty();
  }

  private void onStatusRequest(Message<JsonObject> message) {
    BusMessages.decode(message, NodeStatusRequest::fromJson)
        .ifPresent(request -> vertx.eventBus().send(request.replyTo(), node.status().toJson()));
  }

  private void onRequest(Message<JsonObject> message) {
    String action = message.headers().get(BusAddresses.ACTION);
    if (BusAddresses.STATUS.equals(action)) {
      message.reply(node.status().toJson());
    } else if (BusAddresses.DRAIN.equals(action)) {
      LOG.info("node={} asked over the bus to drain", node.id());
      // The drain turns the node's state to draining before it returns; the rest of it goes on after the reply.
      drain.run();
      message.reply(node.status().toJson());
    } else {
      message.fail(ErrorCode.INVALID_INPUT.busCode(), "unknown action '" + action + "'; this node answers "
          + BusAddresses.STATUS + " and " + BusAddresses.DRAIN);
    }
  }
}
