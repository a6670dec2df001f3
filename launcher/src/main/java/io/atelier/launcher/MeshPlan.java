package io.atelier.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes {@code atelier supervise} runs on this machine, read from a JSON file (see {@code conf/local-mesh.json}).
 *
 * <p>Each node gets two cluster ports and two metrics ports from {@code portBase} (node {@code i}: four from
 * {@code portBase + 4i}): a replacement starts on the pair its predecessor is not using, so the two can run side by
 * side during a roll, and every port is known beforehand (for Prometheus, for the cluster's member list).
 *
 * @param embeddedDataDir where embedded PostgreSQL, Redis and S3 keep their data, or null to use external ones
 * @param configFiles configuration files every node reads (after the embedded services' own, if any)
 * @param environment variables every node gets (a node's own win)
 * @param clusterMembers members of the cluster outside this plan, besides its own nodes
 * @param settleSeconds how long a roll waits, once a replacement is ready, before it takes the next node: the time
 *     a balancer needs to send to the replacement again (at least its checks' {@code rise} × interval), and the
 *     cluster to spread the replacement's consumers; Kubernetes calls it {@code minReadySeconds}
 */
record MeshPlan(Path embeddedDataDir, int controlPort, int portBase, List<String> javaOptions, List<Path> configFiles,
                Map<String, String> environment, List<String> clusterMembers, int readySeconds, int stopSeconds,
                int settleSeconds, List<NodePlan> nodes) {

  /** One supervised node: its name (unique), its verticles, its JVM options and environment. */
  record NodePlan(String name, String verticles, Set<VerticleName> runs, List<String> javaOptions,
                  Map<String, String> environment, int index) {

    /**
     * Whether the node listens on a port that clients, a balancer or other nodes know (an edge's, collab's or
     * upload's, or any port its environment fixes): its replacement can only bind it once the old one has left.
     */
    boolean ownsPort() {
      return runs.contains(VerticleName.EDGE) || runs.contains(VerticleName.COLLAB)
          || runs.contains(VerticleName.UPLOAD) || environment.keySet().stream().anyMatch(k -> k.endsWith("_PORT"));
    }

    boolean runs(VerticleName verticle) {
      return runs.contains(verticle);
    }
  }

  int clusterPort(NodePlan node, int generation) {
    return portBase + 4 * node.index() + (generation % 2);
  }

  int metricsPort(NodePlan node, int generation) {
    return portBase + 4 * node.index() + 2 + (generation % 2);
  }

  /** Every cluster port of the plan's nodes, and the members outside it: where a starting node looks for the mesh. */
  List<String> members() {
    List<String> members = new ArrayList<>(clusterMembers);
    for (NodePlan node : nodes) {
      members.add("127.0.0.1:" + clusterPort(node, 0));
      members.add("127.0.0.1:" + clusterPort(node, 1));
    }
    return members;
  }

  static MeshPlan read(Path file) {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the plan " + file + ": " + e.getMessage(), e);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the plan " + file + " is not a JSON object: " + e.getMessage(), e);
    }
    return parse(json, file.toAbsolutePath().getParent());
  }

  /** The plan in {@code json}; relative paths are taken from {@code base}. Fails naming the first bad field. */
  static MeshPlan parse(JsonObject json, Path base) {
    known(json, "", Set.of("embedded", "control", "portBase", "javaOptions", "config", "environment",
        "clusterMembers", "readySeconds", "stopSeconds", "settleSeconds", "nodes"));
    Path embedded = null;
    if (json.containsKey("embedded")) {
      JsonObject section = object(json, "embedded");
      known(section, "embedded.", Set.of("dataDir"));
      embedded = base.resolve(string(section, "embedded.dataDir", "dataDir")).normalize();
    }
    JsonObject control = json.containsKey("control") ? object(json, "control") : new JsonObject();
    known(control, "control.", Set.of("port"));
    int controlPort = integer(control, "control.port", "port", 7400, 1, 65535);
    int portBase = integer(json, "portBase", "portBase", 17100, 1024, 65000);
    List<Path> configs = new ArrayList<>();
    for (String config : strings(json, "config")) {
      configs.add(base.resolve(config).normalize());
    }
    JsonArray nodesJson = json.getValue("nodes") instanceof JsonArray a ? a : null;
    if (nodesJson == null || nodesJson.isEmpty()) {
      throw new IllegalArgumentException("nodes: give at least one node, e.g. {\"name\": \"edge-1\", \"verticles\": \"edge\"}");
    }
    List<NodePlan> nodes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < nodesJson.size(); i++) {
      String at = "nodes[" + i + "].";
      if (!(nodesJson.getValue(i) instanceof JsonObject node)) {
        throw new IllegalArgumentException("nodes[" + i + "]: must be an object");
      }
      known(node, at, Set.of("name", "verticles", "javaOptions", "environment"));
      String name = string(node, at + "name", "name");
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException(at + "name: '" + name + "' must be letters, digits, '.', '_' or '-'");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(at + "name: '" + name + "' is the name of another node");
      }
      String verticles = string(node, at + "verticles", "verticles");
      Set<VerticleName> runs;
      try {
        runs = VerticleName.parseList(verticles);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "verticles: " + e.getMessage(), e);
      }
      nodes.add(new NodePlan(name, verticles, runs, strings(node, at, "javaOptions"), environment(node, at), i));
    }
    if (portBase + 4 * nodes.size() > 65535) {
      throw new IllegalArgumentException("portBase: " + portBase + " leaves too few ports for " + nodes.size() + " nodes");
    }
    return new MeshPlan(embedded, controlPort, portBase, strings(json, "javaOptions"), configs,
        environment(json, ""), strings(json, "clusterMembers"), integer(json, "readySeconds", "readySeconds", 180, 5, 3600),
        integer(json, "stopSeconds", "stopSeconds", 120, 5, 3600),
        integer(json, "settleSeconds", "settleSeconds", 3, 0, 600), List.copyOf(nodes));
  }

  private static void known(JsonObject json, String at, Set<String> fields) {
    for (String field : json.fieldNames()) {
      if (!fields.contains(field)) {
        throw new IllegalArgumentException(at + field + ": unknown field; known: " + String.join(", ", fields.stream().sorted().toList()));
      }
    }
  }

  private static JsonObject object(JsonObject json, String field) {
    if (json.getValue(field) instanceof JsonObject o) {
      return o;
    }
    throw new IllegalArgumentException(field + ": must be an object");
  }

  private static String string(JsonObject json, String path, String field) {
    if (json.getValue(field) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new IllegalArgumentException(path + ": must be a non-empty string");
  }

  private static int integer(JsonObject json, String path, String field, int fallback, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new IllegalArgumentException(path + ": must be a whole number from " + min + " to " + max + ", not " + value);
    }
    return n;
  }

  private static List<String> strings(JsonObject json, String field) {
    return strings(json, "", field);
  }

  private static List<String> strings(JsonObject json, String at, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return List.of();
    }
    List<String> strings = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String s)) {
          throw new IllegalArgumentException(at + field + ": must be a list of strings");
        }
        strings.add(s);
      }
      return List.copyOf(strings);
    }
    throw new IllegalArgumentException(at + field + ": must be a list of strings");
  }

  private static Map<String, String> environment(JsonObject json, String at) {
    Object value = json.getValue("environment");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject variables)) {
      throw new IllegalArgumentException(at + "environment: must be an object of variable names to strings");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    for (String name : variables.fieldNames()) {
      Object v = variables.getValue(name);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException(at + "environment." + name + ": must be a variable name with a string value");
      }
      environment.put(name, String.valueOf(v));
    }
    return environment;
  }
}
