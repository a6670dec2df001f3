package io.atelier.upload;

import io.atelier.database.RateLimitConfig;
import io.atelier.database.RateLimitConfig.Rate;
import io.atelier.redis.RateLimits;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The key's rate limit on {@code /files/}: the same bucket its {@code /v1} requests draw from ({@link RateLimits}), so
 * a key cannot go round its limit through uploads. A request from an upload token draws from the bucket of the key
 * it was given to. Over the limit, a {@code 429} with {@code Retry-After}; every answer carries the
 * {@code RateLimit-*} headers.
 */
final class UploadRateLimit implements Handler<RoutingContext> {

  private final RateLimits limits;
  private final RateLimitConfig config;

  UploadRateLimit(RateLimits limits, RateLimitConfig config) {
    this.limits = limits;
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    UUID key = UploadAuthentication.key(ctx);
    Rate rate = config.of(UploadAuthentication.project(ctx));
    if (key == null || rate.off()) {
      ctx.next();
      return;
    }
    limits.draw(key, rate.requestsPerSecond(), rate.burst()).onSuccess(decision -> {
      decision.headers().forEach(ctx.response()::putHeader);
      if (decision.allowed()) {
        ctx.next();
      } else {
        ctx.fail(new TusException(429, "Too many requests", decision.refusal()));
      }
    });
  }
}
