package io.atelier.node;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The {@code drain} section: how a node stops without anyone noticing.
 *
 * @param delay how long a draining node keeps serving (already answering not-ready) before its HTTP servers stop
 *     accepting, so that load balancers take it out of rotation first; only nodes that serve HTTP wait it
 * @param grace how long in-flight requests and running jobs get to finish once stopping; jobs still running then are
 *     handed back to the queue for another worker
 */
public record DrainConfig(Duration delay, Duration grace) {

  public static final int DEFAULT_DELAY_SECONDS = 5;
  public static final int DEFAULT_GRACE_SECONDS = 20;

  public DrainConfig {
    if (delay.isNegative() || delay.toSeconds() > 300) {
      throw new IllegalArgumentException("drain.delaySeconds must be 0..300, was " + delay.toSeconds());
    }
    if (grace.isNegative() || grace.toSeconds() > 3600) {
      throw new IllegalArgumentException("drain.graceSeconds must be 0..3600, was " + grace.toSeconds());
    }
  }

  public static DrainConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("drain", new JsonObject());
    return new DrainConfig(Duration.ofSeconds(number(section, "delaySeconds", DEFAULT_DELAY_SECONDS)),
        Duration.ofSeconds(number(section, "graceSeconds", DEFAULT_GRACE_SECONDS)));
  }

  private static long number(JsonObject section, String key, int fallback) {
    Object value = section.getValue(key, fallback);
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException("drain." + key + " must be a whole number of seconds, was " + value);
    }
    return n.longValue();
  }
}
