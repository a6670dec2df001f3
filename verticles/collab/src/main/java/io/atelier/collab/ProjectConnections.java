package io.atelier.collab;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open collaboration connections per project, across every collab node, for the projects' connection quotas. Each
 * node counts its own and keeps them in Redis, in one hash per project (a field per node: its count, and until when
 * that holds); it renews them every {@link #RENEW_MILLIS}, so a node that died stops counting once its fields run out.
 * When Redis does not answer, connections are let in: the quota bounds a project's share, it is not worth a refusal.
 * Touched on the collab verticle's context only.
 */
final class ProjectConnections {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectConnections.class);
  static final long RENEW_MILLIS = 10_000;
  private static final long HOLDS_MILLIS = 3 * RENEW_MILLIS;
  private static final long TIMEOUT_MILLIS = 500;

  private final Vertx vertx;
  private final Redis redis;
  private final String nodeId;
  private final Map<UUID, Integer> here = new HashMap<>();
  private long renewal = -1;
  private long lastWarning;

  ProjectConnections(Vertx vertx, Redis redis, String nodeId) {
    this.vertx = vertx;
    this.redis = redis;
    this.nodeId = nodeId;
  }

  void start() {
    renewal = vertx.setPeriodic(RENEW_MILLIS, t -> here.forEach(this::publish));
  }

  /** Forgets this node's counts in Redis (it is stopping; its sockets are closed). */
  Future<Void> stop() {
    if (renewal >= 0) {
      vertx.cancelTimer(renewal);
    }
    Future<Void> all = Future.succeededFuture();
    for (UUID project : here.keySet()) {
      all = all.compose(v -> redis.send(Request.cmd(Command.HDEL).arg(key(project)).arg(nodeId))
          .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).<Void>mapEmpty().recover(e -> Future.succeededFuture()));
    }
    here.clear();
    return all;
  }

  /**
   * Takes a place for one more connection of {@code project}, unless the mesh already has {@code quota} of them open:
   * then the answer is how many it has.
   */
  Future<Integer> admit(UUID project, int quota) {
    return redis.send(Request.cmd(Command.HVALS).arg(key(project)))
        .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .map(values -> (int) elsewhere(values) + here.getOrDefault(project, 0))
        .otherwise(failure -> {
          warn(failure);
          return here.getOrDefault(project, 0);
        })
        .map(open -> {
          if (open >= quota) {
            return open;
          }
          here.merge(project, 1, Integer::sum);
          publish(project, here.get(project));
          return -1;
        });
  }

  /** Gives back the place of a connection of {@code project} that has closed. */
  void release(UUID project) {
    Integer left = here.computeIfPresent(project, (p, n) -> n > 1 ? n - 1 : null);
    if (left == null) {
      redis.send(Request.cmd(Command.HDEL).arg(key(project)).arg(nodeId)).onFailure(this::warn);
    } else {
      publish(project, left);
    }
  }

  /** The connections other live nodes hold open: each node's value is {@code node|count|holds-until-millis}. */
  private long elsewhere(Response values) {
    long now = System.currentTimeMillis();
    long open = 0;
    if (values == null) {
      return 0;
    }
    for (Response value : values) {
      String[] parts = value.toString().split("\\|");
      if (parts.length == 3 && !parts[0].equals(nodeId) && Long.parseLong(parts[2]) > now) {
        open += Long.parseLong(parts[1]);
      }
    }
    return open;
  }

  private void publish(UUID project, int count) {
    String key = key(project);
    redis.send(Request.cmd(Command.HSET).arg(key).arg(nodeId).arg(nodeId + "|" + count + "|"
            + (System.currentTimeMillis() + HOLDS_MILLIS)))
        .compose(v -> redis.send(Request.cmd(Command.PEXPIRE).arg(key).arg(HOLDS_MILLIS)))
        .onFailure(this::warn);
  }

  private void warn(Throwable failure) {
    long now = System.nanoTime();
    if (now - lastWarning > TimeUnit.MINUTES.toNanos(1) || lastWarning == 0) {
      lastWarning = now;
      LOG.warn("connection quotas unchecked, Redis did not answer: {}", failure.toString());
    }
  }

  private static String key(UUID project) {
    return "atelier:collab:connections:" + project;
  }
}
