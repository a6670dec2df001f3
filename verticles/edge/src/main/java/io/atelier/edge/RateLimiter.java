package io.atelier.edge;

import io.atelier.database.ApiKeyRepository.KeyOwner;
import io.atelier.edge.RateLimitConfig.Rate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key rate limits on {@code /v1}: a token bucket per key in Redis, so every edge node draws from the same one.
 * Each answer says where the key stands ({@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code
 * RateLimit-Reset}, as the IETF draft names them); a request over the limit is a {@code 429} with {@code Retry-After}.
 * The bucket is refilled and drawn from in one Lua script on Redis's own clock, so that edges whose clocks differ
 * agree. When Redis does not answer within {@link #TIMEOUT_MILLIS}, requests go through unlimited: limits protect
 * the mesh, and PostgreSQL, not Redis, is what a request needs.
 */
final class RateLimiter implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  static final long TIMEOUT_MILLIS = 250;
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * KEYS[1] the bucket; ARGV[1] tokens a second, ARGV[2] the burst. Returns {allowed (1|0), tokens left (text: Lua
   * numbers become integers on the way out)}. The bucket expires once it would be full again anyway.
   */
  static final String SCRIPT = """
      local rate = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil or at == nil then
        tokens = burst
      else
        tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
      end
      local allowed = 0
      if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
      return {allowed, tostring(tokens)}
      """;
  private static final String SCRIPT_SHA = sha1(SCRIPT);

  private final Redis redis;
  private final RateLimitConfig config;
  private final Counter limited;
  private final Counter unchecked;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  RateLimiter(Redis redis, RateLimitConfig config) {
    this.redis = redis;
    this.config = config;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry();
    }
    limited = Counter.builder("atelier.rate.limited").description("Requests refused with 429: their key was over its "
        + "rate limit").register(registry);
    unchecked = Counter.builder("atelier.rate.unchecked").description("Requests let through unlimited because Redis "
        + "did not answer").register(registry);
  }

  @Override
  public void handle(RoutingContext ctx) {
    KeyOwner owner = ApiKeyAuthHandler.owner(ctx);
    Rate rate = config.of(owner.projectId());
    if (rate.off()) {
      ctx.next();
      return;
    }
    draw("atelier:ratelimit:" + owner.keyId(), rate)
        .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .onComplete(drawn -> {
          if (drawn.failed()) {
            unchecked.increment();
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
              LOG.warn("rate limits unchecked, Redis did not answer: {}", drawn.cause().toString());
            }
            ctx.next();
            return;
          }
          Response answer = drawn.result();
          boolean allowed = answer.get(0).toInteger() == 1;
          double tokens = Double.parseDouble(answer.get(1).toString());
          HttpServerResponse response = ctx.response();
          response.putHeader("RateLimit-Limit", Integer.toString(rate.burst()))
              .putHeader("RateLimit-Remaining", Long.toString((long) Math.floor(tokens)))
              .putHeader("RateLimit-Reset", Long.toString(secondsUntil(rate.burst() - tokens, rate)));
          if (allowed) {
            ctx.next();
            return;
          }
          limited.increment();
          long retryAfter = secondsUntil(1 - tokens, rate);
          response.putHeader("Retry-After", Long.toString(retryAfter));
          ctx.fail(Problem.rateLimited("this key may make " + format(rate.requestsPerSecond())
              + " requests a second, in bursts of up to " + rate.burst() + "; retry in " + retryAfter + " s",
              new JsonObject().put("limit", rate.burst()).put("requestsPerSecond", rate.requestsPerSecond())
                  .put("retryAfterSeconds", retryAfter)));
        });
  }

  private Future<Response> draw(String bucket, Rate rate) {
    String perSecond = Double.toString(rate.requestsPerSecond());
    String burst = Integer.toString(rate.burst());
    return redis.send(Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(1).arg(bucket).arg(perSecond).arg(burst))
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
            // Not loaded on this Redis yet (or it restarted): EVAL loads it for the next EVALSHA.
            ? redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(bucket).arg(perSecond).arg(burst))
            : Future.failedFuture(failure));
  }

  /** Whole seconds until {@code tokens} more are in the bucket, at least 1 when any are missing. */
  private static long secondsUntil(double tokens, Rate rate) {
    return tokens <= 0 ? 0 : Math.max(1, (long) Math.ceil(tokens / rate.requestsPerSecond()));
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JVM", e);
    }
  }
}
