package io.atelier.collab;

import io.atelier.tokens.DocumentGrant;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One client's socket on one document. Frames are put together into messages here (within the size limit) and
 * handed to the room on the collab verticle's event loop, whichever server accepted the socket; what the room sends
 * goes out in frames no larger than the configured size.
 */
final class CollabConnection {

  /** Close codes (RFC 6455 section 7.4.1) and the reasons that go with them. */
  static final short GOING_AWAY = 1001;
  static final short UNSUPPORTED_DATA = 1003;
  static final short INVALID_PAYLOAD = 1007;
  static final short POLICY_VIOLATION = 1008;
  static final short MESSAGE_TOO_BIG = 1009;
  static final short INTERNAL_ERROR = 1011;
  static final short TRY_AGAIN_LATER = 1013;
  // y-websocket clients (3.x) stop reconnecting after a close in 4400..4499: for refusals that a retry cannot change.
  /** The token is missing, bad, expired or for another document. */
  static final short INVALID_TOKEN = 4401;
  /** A read-only token's client tried to edit. */
  static final short READ_ONLY = 4403;
  /** The document was deleted while the socket was open. */
  static final short DOCUMENT_DELETED = 4404;

  private final ServerWebSocket socket;
  private final Context context;
  private final DocumentGrant grant;
  private final CollabConfig config;
  /** The awareness client ids this connection has announced: removed when it closes. */
  final Set<Long> awarenessClients = new HashSet<>();
  /** The frames of a message not yet complete; touched only on the socket's own event loop. */
  private Buffer partial;
  private double tokens;
  private long refilledAt = System.nanoTime();
  private boolean closed;
  private boolean answeredPing = true;
  private final List<Runnable> closeListeners = new ArrayList<>();

  CollabConnection(ServerWebSocket socket, Context context, DocumentGrant grant, CollabConfig config) {
    this.socket = socket;
    this.context = context;
    this.grant = grant;
    this.config = config;
    this.tokens = config.updateBurst();
    socket.closeHandler(v -> context.runOnContext(ignored -> {
      closed = true;
      List.copyOf(closeListeners).forEach(Runnable::run);
    }));
  }

  /** Runs {@code listener} on the context once the socket has closed, whichever side closed it. */
  void whenClosed(Runnable listener) {
    closeListeners.add(listener);
  }

  DocumentGrant grant() {
    return grant;
  }

  CollabConfig config() {
    return config;
  }

  boolean isClosed() {
    return closed;
  }

  /** Starts reading: each whole message goes to {@code messages}, and the close to {@code closedHandler}, on the context. */
  void start(Consumer<byte[]> messages, Runnable closedHandler) {
    socket.frameHandler(frame -> onFrame(frame, messages));
    socket.pongHandler(pong -> context.runOnContext(v -> answeredPing = true));
    whenClosed(closedHandler);
    socket.exceptionHandler(e -> context.runOnContext(v -> close(INTERNAL_ERROR, "socket failed")));
  }

  private void onFrame(WebSocketFrame frame, Consumer<byte[]> messages) {
    if (frame.isText()) {
      context.runOnContext(v -> close(UNSUPPORTED_DATA, "text frames are not part of the y-websocket protocol"));
      return;
    }
    if (!frame.isBinary() && !frame.isContinuation()) {
      return;
    }
    Buffer data = frame.binaryData();
    int size = (partial == null ? 0 : partial.length()) + data.length();
    if (size > config.maxMessageBytes()) {
      partial = null;
      context.runOnContext(v -> close(MESSAGE_TOO_BIG, "a message may be at most " + config.maxMessageBytes()
          + " bytes (collab.maxMessageBytes)"));
      return;
    }
    if (frame.isFinal() && partial == null) {
      byte[] message = data.getBytes();
      context.runOnContext(v -> messages.accept(message));
    } else {
      partial = partial == null ? data.copy() : partial.appendBuffer(data);
      if (frame.isFinal()) {
        byte[] message = partial.getBytes();
        partial = null;
        context.runOnContext(v -> messages.accept(message));
      }
    }
  }

  /** Takes one message from this connection's allowance; false when it is over the configured rate. */
  boolean allowMessage() {
    long now = System.nanoTime();
    tokens = Math.min(config.updateBurst(), tokens + (now - refilledAt) / 1e9 * config.updatesPerSecond());
    refilledAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens--;
    return true;
  }

  /** Sends one message, in frames no larger than {@code collab.maxFrameBytes}. */
  void send(byte[] message) {
    if (closed) {
      return;
    }
    int max = config.maxFrameBytes();
    if (message.length <= max) {
      socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(message), true));
      return;
    }
    for (int offset = 0; offset < message.length; offset += max) {
      int end = Math.min(message.length, offset + max);
      Buffer chunk = Buffer.buffer(end - offset).appendBytes(message, offset, end - offset);
      socket.writeFrame(offset == 0 ? WebSocketFrame.binaryFrame(chunk, false)
          : WebSocketFrame.continuationFrame(chunk, end == message.length));
    }
  }

  /** Pings; drops the connection when the previous ping went unanswered. */
  void ping() {
    if (closed) {
      return;
    }
    if (!answeredPing) {
      close(GOING_AWAY, "no answer to the server's ping within " + config.pingSeconds() + " s");
      return;
    }
    answeredPing = false;
    socket.writePing(Buffer.buffer());
  }

  /** Closes with a code and a reason (cut to the 123 bytes a close frame allows). */
  void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
    socket.close(code, shortReason);
  }

  /** Tells the client permission was denied, and why (y-protocols' auth message), then closes with {@code code}. */
  void deny(short code, String reason) {
    send(new CollabMessage.PermissionDenied(reason).encode());
    close(code, reason);
  }
}
