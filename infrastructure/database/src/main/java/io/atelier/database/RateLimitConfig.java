package io.atelier.database;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code limits} section: how many requests a key may make, as a token bucket that every edge node shares —
 * {@code requestsPerSecond} refill it, and it holds at most {@code burst}. {@code projects} sets other numbers for
 * some projects, by id. A rate of 0 turns limiting off (for benchmarks of the mesh itself).
 */
public record RateLimitConfig(Rate defaults, Map<UUID, Rate> projects) {

  public static final double DEFAULT_REQUESTS_PER_SECOND = 50;
  public static final int DEFAULT_BURST = 100;

  /** One bucket's numbers. */
  public record Rate(double requestsPerSecond, int burst) {

    public Rate {
      if (!(requestsPerSecond >= 0) || requestsPerSecond > 1_000_000) {
        throw new IllegalArgumentException("requestsPerSecond must be 0 to 1000000, was " + requestsPerSecond);
      }
      if (burst < 1 || burst > 10_000_000) {
        throw new IllegalArgumentException("burst must be 1 to 10000000, was " + burst);
      }
    }

    public boolean off() {
      return requestsPerSecond == 0;
    }
  }

  public RateLimitConfig {
    projects = Map.copyOf(projects);
  }

  public Rate of(UUID projectId) {
    return projects.getOrDefault(projectId, defaults);
  }

  public static RateLimitConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("limits", new JsonObject());
    Rate defaults = rate(section, "limits.", new Rate(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST));
    Map<UUID, Rate> projects = ProjectOverrides.read(section, "limits.", (project, at) -> rate(project, at, defaults));
    return new RateLimitConfig(defaults, projects);
  }

  private static Rate rate(JsonObject section, String at, Rate fallback) {
    Object rate = section.getValue("requestsPerSecond", fallback.requestsPerSecond());
    Object burst = section.getValue("burst", fallback.burst());
    if (!(rate instanceof Number r) || !(burst instanceof Number b) || b.doubleValue() != Math.rint(b.doubleValue())) {
      throw new IllegalArgumentException(at + "requestsPerSecond must be a number and " + at
          + "burst a whole number");
    }
    try {
      return new Rate(r.doubleValue(), (int) Math.min(Integer.MAX_VALUE, b.longValue()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + e.getMessage(), e);
    }
  }
}
