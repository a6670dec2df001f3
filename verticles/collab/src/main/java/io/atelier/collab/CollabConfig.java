package io.atelier.collab;

import io.vertx.core.json.JsonObject;

/**
 * The {@code collab} section, read once at start-up; every limit closes the offending socket with a close code and a
 * reason that names it.
 *
 * @param host the interface the collab port listens on
 * @param port the collab port (0: any free one); an edge of the same node also serves {@code /collab/} on its own
 * @param advertisedHost the address other nodes' edges reach this port at
 * @param maxMessageBytes the largest message a client may send (close code 1009 above it)
 * @param maxFrameBytes the largest WebSocket frame this server sends: longer messages go out in several frames
 * @param updatesPerSecond the steady rate of updates a connection may send, with bursts of {@code updateBurst}
 * @param updateBurst how many updates a connection may send at once after a quiet spell
 * @param connectionsPerDocument the most connections one document may have on this node (1013 above it)
 * @param documentsPerNode the most documents this node keeps open (1013 for a connection to one more)
 * @param pingSeconds how often the server pings; a connection that has not answered the previous ping is dropped
 * @param compactAfterRows a document's log is merged into one row once it has more rows than this
 * @param catchUpMillis how often a node compares its open documents with their heads in PostgreSQL, to catch up on
 *     relays the bus lost
 * @param lingerSeconds how long a document stays open with no connection, so a quick reconnect finds it loaded
 */
public record CollabConfig(String host, int port, String advertisedHost, int maxMessageBytes, int maxFrameBytes,
                           int updatesPerSecond, int updateBurst, int connectionsPerDocument, int documentsPerNode,
                           int pingSeconds, int compactAfterRows, int catchUpMillis, int lingerSeconds) {

  public CollabConfig {
    range("port", port, 0, 65_535);
    range("maxMessageBytes", maxMessageBytes, 1024, 32 << 20);
    range("maxFrameBytes", maxFrameBytes, 1024, 16 << 20);
    range("updatesPerSecond", updatesPerSecond, 1, 1_000_000);
    range("updateBurst", updateBurst, 1, 1_000_000);
    range("connectionsPerDocument", connectionsPerDocument, 1, 1_000_000);
    range("documentsPerNode", documentsPerNode, 1, 10_000_000);
    range("pingSeconds", pingSeconds, 1, 3600);
    range("compactAfterRows", compactAfterRows, 2, 10_000_000);
    range("catchUpMillis", catchUpMillis, 50, 600_000);
    range("lingerSeconds", lingerSeconds, 0, 3600);
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("collab.host must name an interface, e.g. 0.0.0.0");
    }
  }

  public static CollabConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("collab", new JsonObject());
    String host = section.getString("host", "0.0.0.0");
    return new CollabConfig(host,
        number(section, "port", 8090),
        section.getString("advertisedHost", host.equals("0.0.0.0") ? "127.0.0.1" : host),
        number(section, "maxMessageBytes", 16 << 20),
        number(section, "maxFrameBytes", 64 << 10),
        number(section, "updatesPerSecond", 100),
        number(section, "updateBurst", 500),
        number(section, "connectionsPerDocument", 500),
        number(section, "documentsPerNode", 20_000),
        number(section, "pingSeconds", 30),
        number(section, "compactAfterRows", 500),
        number(section, "catchUpMillis", 2000),
        number(section, "lingerSeconds", 10));
  }

  private static int number(JsonObject section, String key, int fallback) {
    Object value = section.getValue(key, fallback);
    if (!(value instanceof Integer n)) {
      throw new IllegalArgumentException("collab." + key + " must be a whole number, was " + value);
    }
    return n;
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("collab." + key + " must be " + min + ".." + max + ", was " + value);
    }
  }
}
