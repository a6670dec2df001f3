package io.atelier.launcher;

import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A y-websocket client as a Java test needs one: it answers the server's sync step 1, keeps every update it is
 * sent, and reads its document's text with the Yjs update functions (no CRDT here either). Its edits are whole new
 * insertions, each by a fresh Yjs client id, so that what every client must end with is known.
 */
final class CollabTestClient implements AutoCloseable {

  private static final YjsUpdates YJS = YjsUpdates.java();

  private final WebSocket socket;
  private final List<byte[]> updates;
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final Promise<Void> synced = Promise.promise();
  final Promise<Short> closed = Promise.promise();
  volatile String closeReason;

  private record Waiter(Predicate<String> condition, Promise<Void> met) {
  }

  private CollabTestClient(WebSocket socket, List<byte[]> updates) {
    this.socket = socket;
    this.updates = updates;
  }

  static CollabTestClient connect(Vertx vertx, int port, String document, String token) {
    return connect(vertx, port, document, token, new CopyOnWriteArrayList<>());
  }

  /** A new connection of the same client (its document as it has it), as a provider reconnects. */
  CollabTestClient reconnect(Vertx vertx, int port, String document, String token) {
    return connect(vertx, port, document, token, updates);
  }

  private static CollabTestClient connect(Vertx vertx, int port, String document, String token,
                                          List<byte[]> updates) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
        .setMaxFrameSize(64 << 20));
    // Handlers before the handshake, as a browser's socket has them: the server greets at once with its step 1, and a
    // handler set once connect() returned could miss it (and then never send this client's step 2).
    ClientWebSocket socket = client.webSocket();
    CollabTestClient test = new CollabTestClient(socket, updates);
    socket.binaryMessageHandler(test::receive);
    socket.closeHandler(v -> {
      test.closeReason = socket.closeReason();
      test.closed.tryComplete(socket.closeStatusCode());
    });
    Blocking.await(socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/collab/" + document + "?token=" + token)), Duration.ofSeconds(10));
    // Its own sync step 1, as a provider sends on open: an empty state vector.
    socket.writeBinaryMessage(Buffer.buffer(new byte[] {0, 0, 1, 0}));
    return test;
  }

  private void receive(Buffer message) {
    byte[] bytes = message.getBytes();
    int[] at = {0};
    long type = varUint(bytes, at);
    if (type != 0) {
      return;
    }
    long step = varUint(bytes, at);
    int length = (int) varUint(bytes, at);
    byte[] payload = new byte[length];
    System.arraycopy(bytes, at[0], payload, 0, length);
    if (step == 0) {
      // The server's step 1: answer with step 2, everything this client has (a superset of what the server lacks).
      socket.writeBinaryMessage(Buffer.buffer(frame(1, YJS.merge(new ArrayList<>(updates)))));
    } else {
      updates.add(payload);
      if (step == 1) {
        synced.tryComplete();
      }
      checkWaiters();
    }
  }

  private void checkWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    String text = text();
    for (Waiter waiter : waiters) {
      if (waiter.condition().test(text)) {
        waiters.remove(waiter);
        waiter.met().tryComplete();
      }
    }
  }

  /** Waits until this client's text satisfies {@code condition}, checked as each update arrives. */
  void awaitText(Predicate<String> condition, Duration timeout, String what) {
    Waiter waiter = new Waiter(condition, Promise.promise());
    waiters.add(waiter);
    checkWaiters();
    try {
      Blocking.await(waiter.met().future(), timeout);
    } catch (RuntimeException e) {
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; text: "
          + text() + (closed.future().isComplete() ? "; closed by the server: " + closed.future().result() + " "
          + closeReason : ""), e);
    }
  }

  /** Inserts {@code text} as a new client would (at the start of an empty text): the update it sent. */
  byte[] insert(String text) {
    byte[] update = YJS.insertText(ThreadLocalRandom.current().nextLong(1, 1L << 32), "text", text);
    updates.add(update);
    socket.writeBinaryMessage(Buffer.buffer(frame(2, update)));
    return update;
  }

  /** Sends a frame as it is, for frames no client should send. */
  void sendRaw(byte[] frame) {
    socket.writeBinaryMessage(Buffer.buffer(frame));
  }

  /** Whether the server's step 2 came within {@code timeout} (false when it closed the socket instead). */
  boolean syncedWithin(Duration timeout) {
    try {
      Blocking.await(Future.any(synced.future(), closed.future()), timeout);
    } catch (RuntimeException e) {
      return false;
    }
    return synced.future().succeeded();
  }

  void awaitSynced() {
    Blocking.await(synced.future(), Duration.ofSeconds(20));
  }

  String text() {
    return YJS.text(YJS.merge(new ArrayList<>(updates)), "text");
  }

  byte[] stateVector() {
    return YJS.stateVector(YJS.merge(new ArrayList<>(updates)));
  }

  short awaitClose() {
    return Blocking.await(closed.future(), Duration.ofSeconds(20));
  }

  Future<Void> disconnect() {
    return socket.close();
  }

  @Override
  public void close() {
    socket.close();
  }

  private static byte[] frame(int step, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
    out.write(0);
    out.write(step);
    long length = payload.length;
    while (length > 0x7f) {
      out.write((int) (length & 0x7f) | 0x80);
      length >>>= 7;
    }
    out.write((int) length);
    out.write(payload, 0, payload.length);
    return out.toByteArray();
  }

  private static long varUint(byte[] bytes, int[] at) {
    long value = 0;
    int shift = 0;
    while (true) {
      int b = bytes[at[0]++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return value;
      }
      shift += 7;
    }
  }
}
