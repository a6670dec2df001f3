package io.atelier.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key rate limits: a token bucket per API key in Redis, so every node that takes a key's requests (the edges'
 * API, the upload verticles' {@code /files/}) draws from the same one. The bucket is refilled and drawn from in one
 * Lua script on Redis's own clock, so that nodes whose clocks differ agree. When Redis does not answer within
 * {@link #TIMEOUT_MILLIS}, requests go through unlimited: limits protect the mesh, and PostgreSQL, not Redis, is what
 * a request needs.
 */
public final class RateLimits {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
  public static final long TIMEOUT_MILLIS = 250;
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

  /**
   * Where a key stands after a request: let through or not, and what the {@code RateLimit-*} headers and
   * {@code Retry-After} say. {@code checked} is false when Redis did not answer (the request goes through).
   */
  public record Decision(boolean allowed, boolean checked, double tokens, double requestsPerSecond, int burst) {

    /** {@code RateLimit-Remaining}: whole requests left now. */
    public long remaining() {
      return (long) Math.floor(tokens);
    }

    /** {@code RateLimit-Reset}: seconds until the bucket is full again. */
    public long resetSeconds() {
      return secondsUntil(burst - tokens);
    }

    /** {@code Retry-After}: seconds until one more request may be made. */
    public long retryAfterSeconds() {
      return secondsUntil(1 - tokens);
    }

    /**
     * The answer's headers: {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (as the
     * IETF draft names them), and {@code Retry-After} when the request is refused; none when Redis did not answer.
     */
    public java.util.Map<String, String> headers() {
      if (!checked) {
        return java.util.Map.of();
      }
      java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
      headers.put("RateLimit-Limit", Integer.toString(burst));
      headers.put("RateLimit-Remaining", Long.toString(remaining()));
      headers.put("RateLimit-Reset", Long.toString(resetSeconds()));
      if (!allowed) {
        headers.put("Retry-After", Long.toString(retryAfterSeconds()));
      }
      return headers;
    }

    /** Why a request was refused, in a sentence for the client. */
    public String refusal() {
      return "this key may make " + format(requestsPerSecond) + " requests a second, in bursts of up to " + burst
          + "; retry in " + retryAfterSeconds() + " s";
    }

    private long secondsUntil(double more) {
      return more <= 0 ? 0 : Math.max(1, (long) Math.ceil(more / requestsPerSecond));
    }
  }

  private final Redis redis;
  private final Counter limited;
  private final Counter unchecked;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  public RateLimits(Redis redis) {
    this.redis = redis;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry();
    }
    limited = Counter.builder("atelier.rate.limited").description("Requests refused with 429: their key was over its "
        + "rate limit").register(registry);
    unchecked = Counter.builder("atelier.rate.unchecked").description("Requests let through unlimited because Redis "
        + "did not answer").register(registry);
  }

  /** Draws one request from {@code keyId}'s bucket, which {@code requestsPerSecond} refill up to {@code burst}. */
  public Future<Decision> draw(UUID keyId, double requestsPerSecond, int burst) {
    String bucket = "atelier:ratelimit:" + keyId;
    String perSecond = Double.toString(requestsPerSecond);
    String most = Integer.toString(burst);
    return redis.send(Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(1).arg(bucket).arg(perSecond).arg(most))
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
            // Not loaded on this Redis yet (or it restarted): EVAL loads it for the next EVALSHA.
            ? redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(bucket).arg(perSecond).arg(most))
            : Future.failedFuture(failure))
        .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .map(answer -> decided(answer, requestsPerSecond, burst))
        .otherwise(failure -> {
          unchecked.increment();
          long now = System.nanoTime();
          long last = lastWarning.get();
          if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("rate limits unchecked, Redis did not answer: {}", failure.toString());
          }
          return new Decision(true, false, burst, requestsPerSecond, burst);
        });
  }

  private Decision decided(Response answer, double requestsPerSecond, int burst) {
    boolean allowed = answer.get(0).toInteger() == 1;
    if (!allowed) {
      limited.increment();
    }
    return new Decision(allowed, true, Double.parseDouble(answer.get(1).toString()), requestsPerSecond, burst);
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
