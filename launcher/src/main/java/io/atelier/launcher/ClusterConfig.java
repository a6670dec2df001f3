package io.atelier.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code cluster} section: how this node joins the Hazelcast cluster. Members are listed one by one
 * ({@code host:port}); multicast and cloud auto-detection stay off.
 *
 * @param host the address this node binds and advertises (a name is resolved to its address)
 * @param eventBusPort the event bus's TCP port; 0 for any free port
 * @param tls the event bus's TLS between nodes, if any
 */
public record ClusterConfig(String name, String host, int port, int eventBusPort, List<String> members,
                            Optional<Tls> tls) {

  /**
   * The event bus's TLS: each node shows its certificate and accepts connections only from nodes whose certificate
   * the trusted ones vouch for (PEM files, all three).
   */
  public record Tls(String certPath, String keyPath, String trustedCertPath) {

    public Tls {
      readable("cluster.tlsCertPath", certPath);
      readable("cluster.tlsKeyPath", keyPath);
      readable("cluster.tlsTrustedCertPath", trustedCertPath);
    }

    private static void readable(String key, String path) {
      if (!Files.isReadable(Path.of(path))) {
        throw new IllegalArgumentException(key + " " + path + " is not a readable file");
      }
    }
  }

  public ClusterConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("cluster.name is required");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("cluster.host is required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster.port must be 1..65535, was " + port);
    }
    if (eventBusPort < 0 || eventBusPort > 65535) {
      throw new IllegalArgumentException("cluster.eventBusPort must be 0..65535 (0: any free port), was " + eventBusPort);
    }
    members = List.copyOf(members);
    for (String member : members) {
      if (!member.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("cluster.members entries must be host:port, was '" + member + "'");
      }
    }
  }

  public static ClusterConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("cluster", new JsonObject());
    Object raw = section.getValue("members");
    List<String> members = raw instanceof JsonArray array
        ? array.stream().map(String::valueOf).toList()
        : raw instanceof String text && !text.isBlank() ? List.of(text.split("\\s*,\\s*")) : List.of();
    String host = section.getString("host", "127.0.0.1");
    int port = section.getInteger("port", 5701);
    return new ClusterConfig(section.getString("name", "atelier"), host, port, section.getInteger("eventBusPort", 0),
        members.isEmpty() ? List.of(host + ":" + port) : members, tls(section));
  }

  private static Optional<Tls> tls(JsonObject section) {
    List<String> paths = Stream.of("tlsCertPath", "tlsKeyPath", "tlsTrustedCertPath")
        .map(key -> section.getString(key, "")).toList();
    if (paths.stream().allMatch(String::isEmpty)) {
      return Optional.empty();
    }
    if (paths.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "cluster.tlsCertPath, cluster.tlsKeyPath and cluster.tlsTrustedCertPath go together: set all three or none");
    }
    return Optional.of(new Tls(paths.get(0), paths.get(1), paths.get(2)));
  }
}
