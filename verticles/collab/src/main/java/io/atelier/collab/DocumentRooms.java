package io.atelier.collab;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.DocumentRelay;
import io.atelier.database.DocumentRepository;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents open on this node. A document opens when its first connection arrives (its log loaded, its bus
 * address listened to), and closes a while after its last one leaves. Runs on the collab verticle's event loop.
 */
final class DocumentRooms {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentRooms.class);

  /** A limit of this node was reached; the socket is closed with 1013 and this reason. */
  static final class FullException extends RuntimeException {
    FullException(String message) {
      super(message, null, false, false);
    }
  }

  private record Key(UUID projectId, String name) {
  }

  private record Open(DocumentRoom room, MessageConsumer<JsonObject> consumer) {
  }

  private final Vertx vertx;
  private final CollabConfig config;
  private final DocumentRepository documents;
  private final UpdateLog log;
  private final YjsUpdates yjs;
  private final CollabMetrics metrics;
  private final String nodeId;
  private final CollabProtocol protocol;
  private final Map<Key, Future<Open>> rooms = new HashMap<>();
  private final Map<Long, Key> keys = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private int connections;
  private boolean compacting;

  DocumentRooms(Vertx vertx, CollabConfig config, DocumentRepository documents, UpdateLog log, YjsUpdates yjs,
                CollabMetrics metrics, String nodeId) {
    this.vertx = vertx;
    this.config = config;
    this.documents = documents;
    this.log = log;
    this.yjs = yjs;
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.protocol = new CollabProtocol(yjs, metrics, nodeId);
  }

  int connections() {
    return connections;
  }

  int open() {
    return rooms.size();
  }

  void start() {
    timers.add(vertx.setPeriodic(config.pingSeconds() * 1000L, t -> eachRoom(room -> room.connections.forEach(
        CollabConnection::ping))));
    timers.add(vertx.setPeriodic(config.catchUpMillis(), t -> catchUp()));
    timers.add(vertx.setPeriodic(5_000, t -> {
      eachRoom(protocol::dropOutdated);
      closeIdle();
    }));
  }

  /** Adds the connection to its document's room, opening the room first if it is not open here. */
  Future<DocumentRoom> join(CollabConnection connection) {
    Key key = new Key(connection.grant().projectId(), connection.grant().document());
    Future<Open> open = rooms.get(key);
    if (open == null) {
      if (rooms.size() >= config.documentsPerNode()) {
        return Future.failedFuture(new FullException("this node has " + rooms.size()
            + " documents open, its most (collab.documentsPerNode); reconnect later"));
      }
      open = openRoom(key);
      rooms.put(key, open);
      open.onFailure(e -> rooms.remove(key, rooms.get(key)));
    }
    return open.compose(o -> {
      DocumentRoom room = o.room();
      if (connection.isClosed()) {
        return Future.failedFuture(new IllegalStateException("closed while the document opened"));
      }
      if (room.connections.size() >= config.connectionsPerDocument()) {
        return Future.failedFuture(new FullException("this document has " + room.connections.size()
            + " connections here, its most (collab.connectionsPerDocument)"));
      }
      room.connections.add(connection);
      connections++;
      connection.start(frame -> protocol.receive(room, connection, frame), () -> leave(room, connection));
      protocol.greet(room, connection);
      return Future.succeededFuture(room);
    });
  }

  private void leave(DocumentRoom room, CollabConnection connection) {
    if (room.connections.remove(connection)) {
      connections--;
      protocol.left(room, connection);
      if (room.connections.isEmpty()) {
        room.emptySince = System.nanoTime();
      }
    }
  }

  private Future<Open> openRoom(Key key) {
    return documents.findOrCreate(key.projectId(), key.name()).compose(document -> {
      String address = BusAddresses.document(document.id());
      DocumentRoom room = new DocumentRoom(document.id(), vertx, yjs, log,
          relay -> vertx.eventBus().publish(address, relay.toJson()), metrics, nodeId);
      List<DocumentRelay> early = new ArrayList<>();
      boolean[] loaded = {false};
      // Listen before loading, so nothing committed meanwhile is missed: what the load already holds is dropped
      // by its position.
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, message -> {
        DocumentRelay relay = BusMessages.decode(message, DocumentRelay::fromJson).orElse(null);
        if (relay == null || relay.node().equals(nodeId)) {
          return;
        }
        if (loaded[0]) {
          onRelay(room, relay);
        } else {
          early.add(relay);
        }
      });
      keys.put(document.id(), key);
      return consumer.completion()
          .compose(ignored -> room.load())
          .map(ignored -> {
            loaded[0] = true;
            early.forEach(relay -> onRelay(room, relay));
            return new Open(room, consumer);
          })
          .onFailure(e -> {
            keys.remove(document.id());
            consumer.unregister();
          });
    });
  }

  private void onRelay(DocumentRoom room, DocumentRelay relay) {
    switch (relay.kind()) {
      case UPDATE -> room.relayed(relay);
      case AWARENESS -> {
        try {
          protocol.relayedAwareness(room, relay.payload());
        } catch (MalformedMessageException e) {
          LOG.warn("document={} ignoring relayed awareness: {}", room.documentId(), e.getMessage());
        }
      }
      case DELETED -> closeRoom(room, CollabConnection.DOCUMENT_DELETED, relay.reason());
    }
    if (room.hasGap()) {
      // Give a relay that is merely late a moment before reading the log.
      vertx.setTimer(100, t -> {
        if (room.hasGap()) {
          room.catchUp();
        }
      });
    }
  }

  /** Compares every open document with its head in PostgreSQL and reads what a lost relay left out. */
  private void catchUp() {
    List<Long> ids = new ArrayList<>(keys.keySet());
    if (ids.isEmpty()) {
      return;
    }
    documents.heads(ids).onSuccess(heads -> eachRoom(room -> {
      Long head = heads.get(room.documentId());
      if (head == null) {
        closeRoom(room, CollabConnection.DOCUMENT_DELETED, "the document was deleted");
      } else if (room.behind(head)) {
        room.catchUp();
      }
    })).onSuccess(ignored -> compactNext());
  }

  /**
   * Compacts the logs that have grown past the threshold one after another, never several at once: documents edited
   * alike pass it together, and their merges at once would take the cores from the event loops for as long.
   */
  private void compactNext() {
    if (compacting) {
      return;
    }
    List<DocumentRoom> due = new ArrayList<>();
    eachRoom(room -> {
      if (room.wantsCompaction(config.compactAfterRows())) {
        due.add(room);
      }
    });
    if (due.isEmpty()) {
      return;
    }
    DocumentRoom room = due.get(0);
    compacting = true;
    room.compact(documents, config.compactAfterRows())
        .onFailure(e -> LOG.warn("document={} compaction failed: {}", room.documentId(), e.toString()))
        .onComplete(done -> {
          compacting = false;
          // Only after a compaction that did its work: a failed or outrun one waits for the next tick.
          if (done.succeeded() && done.result()) {
            compactNext();
          }
        });
  }

  private void closeIdle() {
    long now = System.nanoTime();
    List<DocumentRoom> idle = new ArrayList<>();
    eachRoom(room -> {
      if (room.connections.isEmpty() && now - room.emptySince > config.lingerSeconds() * 1_000_000_000L) {
        idle.add(room);
      }
    });
    idle.forEach(room -> closeRoom(room, CollabConnection.GOING_AWAY, "closing"));
  }

  /** Closes the room and every connection in it, with {@code code} and {@code reason}. */
  void closeRoom(DocumentRoom room, short code, String reason) {
    Key key = keys.remove(room.documentId());
    if (key == null) {
      return;
    }
    Future<Open> open = rooms.remove(key);
    if (open != null && open.succeeded()) {
      open.result().consumer().unregister();
    }
    for (CollabConnection connection : new ArrayList<>(room.connections)) {
      connection.close(code, reason);
    }
    connections -= room.connections.size();
    room.connections.clear();
  }

  /** Closes every room (the node stops): clients reconnect to another node. */
  void closeAll(short code, String reason) {
    timers.forEach(vertx::cancelTimer);
    List<DocumentRoom> all = new ArrayList<>();
    eachRoom(all::add);
    all.forEach(room -> closeRoom(room, code, reason));
  }

  private void eachRoom(Consumer<DocumentRoom> action) {
    for (Future<Open> open : new ArrayList<>(rooms.values())) {
      if (open.succeeded()) {
        action.accept(open.result().room());
      }
    }
  }
}
