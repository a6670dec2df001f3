package io.atelier.edge;

import io.atelier.database.ApiKeyRepository.KeyOwner;
import io.atelier.database.RateLimitConfig;
import io.atelier.database.RateLimitConfig.Rate;
import io.atelier.redis.RateLimits;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Per-key rate limits on {@code /v1} ({@link RateLimits}: one bucket per key, shared by every node). Each answer says
 * where the key stands; a request over the limit is a {@code 429} problem with {@code Retry-After}.
 */
final class RateLimiter implements Handler<RoutingContext> {

  private final RateLimits limits;
  private final RateLimitConfig config;

  RateLimiter(RateLimits limits, RateLimitConfig config) {
    this.limits = limits;
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    KeyOwner owner = ApiKeyAuthHandler.owner(ctx);
    Rate rate = config.of(owner.projectId());
    if (rate.off()) {
      ctx.next();
      return;
    }
    limits.draw(owner.keyId(), rate.requestsPerSecond(), rate.burst()).onSuccess(decision -> {
      decision.headers().forEach(ctx.response()::putHeader);
      if (decision.allowed()) {
        ctx.next();
        return;
      }
      ctx.fail(Problem.rateLimited(decision.refusal(), new JsonObject().put("limit", rate.burst())
          .put("requestsPerSecond", rate.requestsPerSecond()).put("retryAfterSeconds", decision.retryAfterSeconds())));
    });
  }
}
