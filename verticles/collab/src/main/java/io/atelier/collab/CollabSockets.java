package io.atelier.collab;

import io.atelier.database.DocumentRepository;
import io.atelier.database.ProjectQuotas;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.DocumentGrant;
import io.atelier.tokens.InvalidTokenException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Takes a collaboration socket, {@code /collab/{document}?token=...}, from whichever server received it (the collab
 * port, or an edge of the same node). The token is checked once the socket is open, so that a refusal can say why in
 * y-protocols' auth message before the close, as y-websocket clients expect.
 */
final class CollabSockets implements Handler<HttpServerRequest> {

  static final String PREFIX = "/collab/";

  private final Context context;
  private final CollabConfig config;
  private final AccessTokens tokens;
  private final DocumentRooms rooms;
  private final CollabMetrics metrics;
  private final ProjectQuotas quotas;
  private final ProjectConnections connections;
  private volatile boolean accepting = true;

  CollabSockets(Context context, CollabConfig config, AccessTokens tokens, DocumentRooms rooms,
                CollabMetrics metrics, ProjectQuotas quotas, ProjectConnections connections) {
    this.quotas = quotas;
    this.connections = connections;
    this.context = context;
    this.config = config;
    this.tokens = tokens;
    this.rooms = rooms;
    this.metrics = metrics;
  }

  /** New sockets are refused from now on (the node drains). */
  void stopAccepting() {
    accepting = false;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = request.path();
    if (!path.startsWith(PREFIX)) {
      problem(request, 404, "not found", "collaboration sockets are at /collab/{document}");
      return;
    }
    String name = URLDecoder.decode(path.substring(PREFIX.length()), StandardCharsets.UTF_8);
    if (!DocumentRepository.NAME.matcher(name).matches()) {
      problem(request, 400, "invalid document name", "a document name is 1 to 200 letters, digits and . _ : -, "
          + "starting with a letter or digit");
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      problem(request, 426, "upgrade required", "open /collab/{document} as a WebSocket (y-websocket protocol)");
      return;
    }
    if (!accepting) {
      problem(request, 503, "node draining", "this node is stopping; connect to another one");
      return;
    }
    String token = request.getParam("token");
    request.toWebSocket().onSuccess(socket -> {
      // Hold the client's first messages (its sync step 1) until the room listens.
      socket.pause();
      context.runOnContext(v -> admit(socket, name, token));
    });
  }

  private void admit(ServerWebSocket socket, String name, String token) {
    tokens.verifyDocumentToken(token).onComplete(verified -> {
      if (verified.failed()) {
        String reason = verified.cause() instanceof InvalidTokenException ? verified.cause().getMessage()
            : "the token could not be checked";
        refuse(socket, reason);
        return;
      }
      DocumentGrant grant = verified.result();
      if (!grant.document().equals(name)) {
        refuse(socket, "the token is for document '" + grant.document() + "', not '" + name + "'");
        return;
      }
      int quota = quotas.of(grant.projectId()).collabConnections();
      connections.admit(grant.projectId(), quota).onComplete(admitted -> {
        if (admitted.result() >= 0) {
          metrics.refused();
          new CollabConnection(socket, context, grant, config).deny(CollabConnection.TRY_AGAIN_LATER,
              "the project has " + admitted.result() + " open collaboration connections, its quota "
              + "(quotas.collabConnections); try again later");
          socket.resume();
          return;
        }
        join(socket, grant);
      });
    });
  }

  /** Joins the document's room, the connection holding its place in the project's quota until it closes. */
  private void join(ServerWebSocket socket, DocumentGrant grant) {
    CollabConnection connection = new CollabConnection(socket, context, grant, config);
    boolean[] released = {false};
    Runnable release = () -> {
      if (!released[0]) {
        released[0] = true;
        connections.release(grant.projectId());
      }
    };
    connection.whenClosed(release);
    if (socket.isClosed()) {
      // Gone while its place was taken, before anything listened for its close.
      release.run();
      return;
    }
    rooms.join(connection).onComplete(joined -> {
      if (joined.failed()) {
        metrics.refused();
        connection.close(joined.cause() instanceof DocumentRooms.FullException ? CollabConnection.TRY_AGAIN_LATER
            : CollabConnection.INTERNAL_ERROR, joined.cause() instanceof DocumentRooms.FullException
            ? joined.cause().getMessage() : "the document could not be opened; reconnect");
      }
      socket.resume();
    });
  }

  private void refuse(ServerWebSocket socket, String reason) {
    metrics.refused();
    CollabConnection connection = new CollabConnection(socket, context, null, config);
    connection.deny(CollabConnection.INVALID_TOKEN, reason);
    // Read on, so the client's close frame completes the closing handshake.
    socket.resume();
  }

  private static void problem(HttpServerRequest request, int status, String title, String detail) {
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
            .put("detail", detail).encode());
  }
}
