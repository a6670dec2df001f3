package io.atelier.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a node says of itself on the bus (see {@link BusAddresses#NODES}): what it runs and whether it takes work.
 *
 * @param ready whether it takes new work now: started, its dependencies reachable, not draining
 * @param jobsInFlight jobs its workers run now, by kind
 */
public record NodeStatus(String nodeId, String version, List<String> verticles, NodeState state, boolean ready,
                         Map<String, Integer> jobsInFlight, Instant startedAt) {

  public static final int SCHEMA_VERSION = 1;

  public NodeStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    verticles = List.copyOf(verticles);
    jobsInFlight = Map.copyOf(jobsInFlight);
  }

  public JsonObject toJson() {
    JsonObject inFlight = new JsonObject();
    new TreeMap<>(jobsInFlight).forEach(inFlight::put);
    return new JsonObject()
        .put("v", SCHEMA_VERSION)
        .put("nodeId", nodeId)
        .put("version", version)
        .put("verticles", new JsonArray(verticles))
        .put("state", state.wireName())
        .put("ready", ready)
        .put("jobsInFlight", inFlight)
        .put("startedAt", startedAt.toString());
  }

  /** Reads a status; throws {@link IllegalArgumentException} naming what is wrong. */
  public static NodeStatus fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "node status");
    if (!(json.getValue("verticles") instanceof JsonArray verticles)
        || !(json.getValue("jobsInFlight") instanceof JsonObject inFlight)
        || !(json.getValue("ready") instanceof Boolean ready)) {
      throw new IllegalArgumentException("node status lacks verticles, jobsInFlight or ready");
    }
    Map<String, Integer> counts = new TreeMap<>();
    inFlight.forEach(e -> {
      if (!(e.getValue() instanceof Integer n)) {
        throw new IllegalArgumentException("field jobsInFlight." + e.getKey() + " must be a whole number");
      }
      counts.put(e.getKey(), n);
    });
    try {
      return new NodeStatus(Schema.text(json, "nodeId"), Schema.text(json, "version"),
          verticles.stream().map(String::valueOf).toList(), NodeState.fromWireName(Schema.text(json, "state")),
          ready, counts, Instant.parse(Schema.text(json, "startedAt")));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("field startedAt must be an instant");
    }
  }
}
