package io.atelier.collab;

import io.atelier.collab.AwarenessUpdate.Entry;
import io.atelier.contracts.DocumentRelay;
import io.atelier.yjs.MalformedUpdateException;
import io.atelier.yjs.YjsUpdates;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The y-websocket protocol as the reference server ({@code y-websocket} 1.5.4 {@code bin/utils.js}) speaks it, for one
 * connection in one room: sync step 1 and the awareness states on connect; step 1 answered with the diff the
 * client lacks; updates committed, then passed on; awareness applied and passed on, and removed when its
 * connection closes; query-awareness answered. Unlike the reference, an update is not echoed to its sender, which
 * has it.
 */
final class CollabProtocol {

  private static final Logger LOG = LoggerFactory.getLogger(CollabProtocol.class);

  private final YjsUpdates yjs;
  private final CollabMetrics metrics;
  private final String nodeId;

  CollabProtocol(YjsUpdates yjs, CollabMetrics metrics, String nodeId) {
    this.yjs = yjs;
    this.metrics = metrics;
    this.nodeId = nodeId;
  }

  /** What the server sends first: its state vector, then who is there. */
  void greet(DocumentRoom room, CollabConnection connection) {
    room.stateVector().onComplete(sv -> {
      if (sv.failed()) {
        connection.close(CollabConnection.INTERNAL_ERROR, "the document could not be read; reconnect");
        return;
      }
      connection.send(new CollabMessage.SyncStep1(sv.result()).encode());
      AwarenessUpdate everyone = room.awareness.all();
      if (everyone != null) {
        connection.send(new CollabMessage.Awareness(everyone.encode()).encode());
      }
    });
  }

  void receive(DocumentRoom room, CollabConnection connection, byte[] frame) {
    if (connection.isClosed()) {
      return;
    }
    if (!connection.allowMessage()) {
      refuse(connection, CollabConnection.POLICY_VIOLATION, "more than " + connection.config().updatesPerSecond()
          + " messages/s (collab.updatesPerSecond)");
      return;
    }
    CollabMessage message;
    try {
      message = CollabMessage.decode(frame);
    } catch (MalformedMessageException e) {
      refuse(connection, e.getMessage().startsWith("unknown") ? CollabConnection.UNSUPPORTED_DATA
          : CollabConnection.INVALID_PAYLOAD, e.getMessage());
      return;
    }
    try {
      if (message instanceof CollabMessage.SyncStep1 step1) {
        answerStep1(room, connection, step1.stateVector());
      } else if (message instanceof CollabMessage.SyncStep2 step2) {
        receiveUpdate(room, connection, step2.update(), true);
      } else if (message instanceof CollabMessage.Update update) {
        receiveUpdate(room, connection, update.update(), false);
      } else if (message instanceof CollabMessage.Awareness awareness) {
        receiveAwareness(room, connection, AwarenessUpdate.decode(awareness.update()));
      } else if (message instanceof CollabMessage.QueryAwareness) {
        // Answered even when nobody is there, as y-websocket clients answer it: an update of no states.
        AwarenessUpdate everyone = room.awareness.all();
        connection.send(new CollabMessage.Awareness((everyone == null ? new AwarenessUpdate(List.of()) : everyone)
            .encode()).encode());
      }
      // An auth message from a client means nothing to the server: y-websocket clients do not send one.
    } catch (MalformedMessageException | MalformedUpdateException e) {
      refuse(connection, CollabConnection.INVALID_PAYLOAD, e.getMessage());
    }
  }

  private void answerStep1(DocumentRoom room, CollabConnection connection, byte[] stateVector) {
    room.diff(stateVector).onComplete(diff -> {
      if (diff.succeeded()) {
        connection.send(new CollabMessage.SyncStep2(diff.result()).encode());
      } else if (diff.cause() instanceof MalformedUpdateException e) {
        refuse(connection, CollabConnection.INVALID_PAYLOAD, "sync step 1: " + e.getMessage());
      } else {
        LOG.warn("document={} sync step 1 failed: {}", room.documentId(), diff.cause().toString());
        connection.close(CollabConnection.INTERNAL_ERROR, "the document could not be read; reconnect");
      }
    });
  }

  private void receiveUpdate(DocumentRoom room, CollabConnection connection, byte[] update, boolean stepTwo) {
    yjs.validate(update);
    if (!stepTwo) {
      if (connection.grant().canWrite()) {
        commit(room, connection, update);
      } else {
        refuseEdit(connection);
      }
      return;
    }
    // Every client answers the server's step 1 with what it has, mostly what the document holds already: that
    // changes nothing (the reference server's Y.Doc emits no update for it), so it is neither stored nor passed on.
    // A read-only client may answer too, as long as it brings nothing new.
    room.adds(update).onComplete(adds -> {
      if (connection.isClosed()) {
        return;
      }
      if (adds.failed()) {
        LOG.warn("document={} sync step 2 could not be compared: {}", room.documentId(), adds.cause().toString());
        connection.close(CollabConnection.INTERNAL_ERROR, "the document could not be read; reconnect");
      } else if (adds.result()) {
        if (connection.grant().canWrite()) {
          commit(room, connection, update);
        } else {
          refuseEdit(connection);
        }
      }
    });
  }

  private void commit(DocumentRoom room, CollabConnection connection, byte[] update) {
    room.commit(update, connection).onFailure(e -> {
      LOG.warn("document={} update not committed, closing its sender: {}", room.documentId(), e.toString());
      // Nobody saw it; the client resends what it has when it reconnects and syncs.
      connection.close(CollabConnection.INTERNAL_ERROR, "the update could not be stored; reconnect to resync");
    });
  }

  private void receiveAwareness(DocumentRoom room, CollabConnection connection, AwarenessUpdate update) {
    List<Entry> accepted = room.awareness.apply(update, connection);
    if (!accepted.isEmpty()) {
      byte[] changed = new AwarenessUpdate(accepted).encode();
      broadcastAwareness(room, changed);
      room.publish(DocumentRelay.awareness(nodeId, changed));
    }
  }

  /** Awareness from another node. */
  void relayedAwareness(DocumentRoom room, byte[] update) {
    List<Entry> accepted = room.awareness.apply(AwarenessUpdate.decode(update), null);
    if (!accepted.isEmpty()) {
      broadcastAwareness(room, new AwarenessUpdate(accepted).encode());
    }
  }

  /** A connection left: its awareness states go, here and on other nodes. */
  void left(DocumentRoom room, CollabConnection connection) {
    List<Entry> removals = room.awareness.removeOwnedBy(connection);
    if (!removals.isEmpty()) {
      byte[] removed = new AwarenessUpdate(removals).encode();
      broadcastAwareness(room, removed);
      room.publish(DocumentRelay.awareness(nodeId, removed));
    }
  }

  /** Drops states nobody renewed in time, here only (every node drops its own). */
  void dropOutdated(DocumentRoom room) {
    List<Entry> removals = room.awareness.removeOutdated();
    if (!removals.isEmpty()) {
      broadcastAwareness(room, new AwarenessUpdate(removals).encode());
    }
  }

  private static void broadcastAwareness(DocumentRoom room, byte[] update) {
    byte[] message = new CollabMessage.Awareness(update).encode();
    room.connections.forEach(c -> c.send(message));
  }

  private void refuseEdit(CollabConnection connection) {
    metrics.refused();
    connection.deny(CollabConnection.READ_ONLY, "this token is read-only: edits are not accepted");
  }

  private void refuse(CollabConnection connection, short code, String reason) {
    metrics.refused();
    connection.close(code, reason);
  }
}
