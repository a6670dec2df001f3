package io.atelier.edge;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.NodeStatus;
import io.atelier.contracts.NodeStatusRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/admin/nodes} (every node of the mesh as it answers for itself on the bus), {@code GET
 * /v1/admin/nodes/{id}}, and {@code POST /v1/admin/nodes/{id}/drain} (drain and stop that node, as SIGTERM does).
 * For keys with the admin role ({@link ApiKeyAuthHandler#neededRole}). The list is gathered fresh each time, so a
 * node that has left is not in it.
 */
final class AdminRoutes {

  /** How long the edge listens for nodes' answers: they answer at once from what they know. */
  static final long GATHER_MILLIS = 500;
  private static final long REQUEST_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;

  AdminRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/v1/admin/nodes").handler(this::list);
    router.get("/v1/admin/nodes/:nodeId").handler(ctx -> ask(ctx, BusAddresses.STATUS, 200));
    router.post("/v1/admin/nodes/:nodeId/drain").handler(ctx -> ask(ctx, BusAddresses.DRAIN, 202));
  }

  private void list(RoutingContext ctx) {
    List<NodeStatus> answers = new ArrayList<>();
    String replyTo = "atelier.edge.admin." + UUID.randomUUID();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(replyTo,
        message -> BusMessages.decode(message, NodeStatus::fromJson).ifPresent(answers::add));
    consumer.completion()
        .compose(registered -> {
          vertx.eventBus().publish(BusAddresses.NODES, new NodeStatusRequest(replyTo).toJson());
          Promise<Void> gathered = Promise.promise();
          vertx.setTimer(GATHER_MILLIS, t -> gathered.complete());
          return gathered.future();
        })
        .eventually(consumer::unregister)
        .onSuccess(done -> {
          JsonArray nodes = new JsonArray();
          answers.stream().sorted(Comparator.comparing(NodeStatus::nodeId)).forEach(s -> nodes.add(view(s)));
          ctx.json(new JsonObject().put("nodes", nodes));
        })
        .onFailure(ctx::fail);
  }

  private void ask(RoutingContext ctx, String action, int status) {
    String nodeId = ctx.pathParam("nodeId");
    if (!nodeId.matches("[A-Za-z0-9.-]{1,200}")) {
      throw Problem.notFound("no node " + nodeId + " in the mesh");
    }
    vertx.eventBus().<JsonObject>request(BusAddresses.node(nodeId), new JsonObject(),
            new DeliveryOptions().addHeader(BusAddresses.ACTION, action).setSendTimeout(REQUEST_TIMEOUT_MILLIS))
        .map(reply -> NodeStatus.fromJson(reply.body()))
        .recover(e -> Future.failedFuture(e instanceof ReplyException reply
            && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE
            ? Problem.notFound("no node " + nodeId + " answers in the mesh") : e))
        .onSuccess(answer -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(view(answer).encode()))
        .onFailure(ctx::fail);
  }

  private static JsonObject view(NodeStatus status) {
    JsonObject json = status.toJson();
    json.remove("v");
    return json;
  }
}
