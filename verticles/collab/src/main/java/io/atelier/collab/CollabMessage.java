package io.atelier.collab;

/**
 * The messages of the y-websocket protocol (y-websocket's {@code messageSync}, {@code messageAwareness},
 * {@code messageAuth}, {@code messageQueryAwareness}; y-protocols' sync steps), as a client sends them and as this
 * server writes them. One WebSocket binary message holds one of them.
 */
sealed interface CollabMessage {

  int SYNC = 0;
  int AWARENESS = 1;
  int AUTH = 2;
  int QUERY_AWARENESS = 3;

  int SYNC_STEP_1 = 0;
  int SYNC_STEP_2 = 1;
  int SYNC_UPDATE = 2;

  int PERMISSION_DENIED = 0;

  /** Sync step 1: the sender's state vector; the answer is step 2 with what it lacks. */
  record SyncStep1(byte[] stateVector) implements CollabMessage {
  }

  /** Sync step 2: what the receiver lacked, as one update. */
  record SyncStep2(byte[] update) implements CollabMessage {
  }

  /** An update made since the peers synced. */
  record Update(byte[] update) implements CollabMessage {
  }

  /** An awareness update (y-protocols awareness encoding), kept as sent. */
  record Awareness(byte[] update) implements CollabMessage {
  }

  /** Asks for every awareness state the receiver knows. */
  record QueryAwareness() implements CollabMessage {
  }

  /** An auth message: the only one y-protocols defines says permission was denied, and why. */
  record PermissionDenied(String reason) implements CollabMessage {
  }

  /** Reads one message; throws {@link MalformedMessageException} naming what is wrong. */
  static CollabMessage decode(byte[] frame) {
    MessageReader reader = new MessageReader(frame);
    long type = reader.readVarUint();
    CollabMessage message;
    if (type == SYNC) {
      long step = reader.readVarUint();
      byte[] payload = reader.readVarUint8Array();
      if (step == SYNC_STEP_1) {
        message = new SyncStep1(payload);
      } else if (step == SYNC_STEP_2) {
        message = new SyncStep2(payload);
      } else if (step == SYNC_UPDATE) {
        message = new Update(payload);
      } else {
        throw new MalformedMessageException("unknown sync message type " + step);
      }
    } else if (type == AWARENESS) {
      message = new Awareness(reader.readVarUint8Array());
    } else if (type == QUERY_AWARENESS) {
      message = new QueryAwareness();
    } else if (type == AUTH) {
      long auth = reader.readVarUint();
      if (auth != PERMISSION_DENIED) {
        throw new MalformedMessageException("unknown auth message type " + auth);
      }
      message = new PermissionDenied(reader.readVarString());
    } else {
      throw new MalformedMessageException("unknown message type " + type);
    }
    // lib0 ignores what follows a message; a frame with more in it is not one a y-websocket client sends.
    if (reader.hasMore()) {
      throw new MalformedMessageException("bytes after the end of the message");
    }
    return message;
  }

  /** The frame that carries this message. */
  default byte[] encode() {
    if (this instanceof SyncStep1 m) {
      return new MessageWriter(m.stateVector.length + 4).writeVarUint(SYNC).writeVarUint(SYNC_STEP_1)
          .writeVarUint8Array(m.stateVector).toByteArray();
    } else if (this instanceof SyncStep2 m) {
      return new MessageWriter(m.update.length + 8).writeVarUint(SYNC).writeVarUint(SYNC_STEP_2)
          .writeVarUint8Array(m.update).toByteArray();
    } else if (this instanceof Update m) {
      return new MessageWriter(m.update.length + 8).writeVarUint(SYNC).writeVarUint(SYNC_UPDATE)
          .writeVarUint8Array(m.update).toByteArray();
    } else if (this instanceof Awareness m) {
      return new MessageWriter(m.update.length + 8).writeVarUint(AWARENESS).writeVarUint8Array(m.update)
          .toByteArray();
    } else if (this instanceof QueryAwareness) {
      return new MessageWriter(1).writeVarUint(QUERY_AWARENESS).toByteArray();
    } else {
      PermissionDenied m = (PermissionDenied) this;
      return new MessageWriter(m.reason.length() + 8).writeVarUint(AUTH).writeVarUint(PERMISSION_DENIED)
          .writeVarString(m.reason).toByteArray();
    }
  }
}
