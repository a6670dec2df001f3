package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Objects;

/**
 * What one collab node tells the others that have a document open, on {@link BusAddresses#document}. The bus may
 * drop it: an update's {@code position} in the document's log lets a receiver see the gap and read the log in
 * PostgreSQL, where every relayed update already is (updates are committed before they are relayed). Awareness is
 * not stored; a lost one is refreshed by its client within its renewal period.
 *
 * @param node the node that sends it, so that it can ignore its own
 * @param kind what it carries
 * @param position the update's position in the log ({@link Kind#UPDATE}); 0 otherwise
 * @param payload a Yjs update (v1) or a y-protocols awareness update; empty for {@link Kind#DELETED}
 * @param reason why the document went ({@link Kind#DELETED}); empty otherwise
 */
public record DocumentRelay(String node, Kind kind, long position, byte[] payload, String reason) {

  public static final int SCHEMA_VERSION = 1;

  /** An update committed to the log; an awareness update; the document deleted (its connections close). */
  public enum Kind {
    UPDATE, AWARENESS, DELETED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind fromWire(String value) {
      for (Kind kind : values()) {
        if (kind.wireName().equals(value)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("field kind must be update, awareness or deleted, was " + value);
    }
  }

  public DocumentRelay {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(reason, "reason");
    if (kind == Kind.UPDATE && position < 1) {
      throw new IllegalArgumentException("an update's position must be at least 1, was " + position);
    }
  }

  public static DocumentRelay update(String node, long position, byte[] update) {
    return new DocumentRelay(node, Kind.UPDATE, position, update, "");
  }

  public static DocumentRelay awareness(String node, byte[] awarenessUpdate) {
    return new DocumentRelay(node, Kind.AWARENESS, 0, awarenessUpdate, "");
  }

  public static DocumentRelay deleted(String node, String reason) {
    return new DocumentRelay(node, Kind.DELETED, 0, new byte[0], reason);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION).put("node", node).put("kind", kind.wireName())
        .put("position", position).put("payload", payload).put("reason", reason);
  }

  /** Reads a relay; throws {@link IllegalArgumentException} naming what is wrong. */
  public static DocumentRelay fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "document relay");
    Kind kind = Kind.fromWire(Schema.text(json, "kind"));
    if (!(json.getValue("position") instanceof Number position)) {
      throw new IllegalArgumentException("field position must be a whole number");
    }
    byte[] payload;
    try {
      payload = json.getBinary("payload");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("field payload must be base64");
    }
    return new DocumentRelay(Schema.text(json, "node"), kind, position.longValue(),
        payload == null ? new byte[0] : payload, json.getString("reason", ""));
  }
}
