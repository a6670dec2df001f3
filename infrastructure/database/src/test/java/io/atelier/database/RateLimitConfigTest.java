package io.atelier.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {

  @Test
  void limitsAreOnByDefaultAndAProjectMayHaveItsOwn() {
    assertThat(RateLimitConfig.from(new JsonObject()).of(UUID.randomUUID()))
        .isEqualTo(new RateLimitConfig.Rate(50, 100));
    UUID roomy = UUID.randomUUID();
    RateLimitConfig config = RateLimitConfig.from(new JsonObject().put("limits", new JsonObject()
        .put("requestsPerSecond", 10).put("burst", 20L)
        .put("projects", new JsonObject().put(roomy.toString(), new JsonObject().put("burst", 500)))));
    assertThat(config.of(UUID.randomUUID())).isEqualTo(new RateLimitConfig.Rate(10, 20));
    assertThat(config.of(roomy)).as("a field left out keeps the default").isEqualTo(new RateLimitConfig.Rate(10, 500));
    assertThat(RateLimitConfig.from(new JsonObject().put("limits", new JsonObject().put("requestsPerSecond", 0)))
        .of(roomy).off()).isTrue();
  }

  @Test
  void aBadLimitIsRefusedNamingItsKey() {
    assertRefused(new JsonObject().put("requestsPerSecond", -1), "limits.requestsPerSecond must be 0 to 1000000");
    assertRefused(new JsonObject().put("requestsPerSecond", "fast"), "limits.requestsPerSecond must be a number");
    assertRefused(new JsonObject().put("burst", 0), "limits.burst must be 1 to 10000000");
    assertRefused(new JsonObject().put("burst", 1.5), "limits.burst a whole number");
    assertRefused(new JsonObject().put("projects", new JsonObject().put("team", new JsonObject())),
        "limits.projects: 'team' is not a project id");
    String id = UUID.randomUUID().toString();
    assertRefused(new JsonObject().put("projects", new JsonObject().put(id, new JsonObject().put("burst", -3))),
        "limits.projects." + id + ".burst must be 1 to 10000000");
    assertRefused(new JsonObject().put("projects", new JsonObject().put(id, 5)), "limits.projects." + id
        + ": must be an object");
  }

  private static void assertRefused(JsonObject limits, String message) {
    assertThatThrownBy(() -> RateLimitConfig.from(new JsonObject().put("limits", limits)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
