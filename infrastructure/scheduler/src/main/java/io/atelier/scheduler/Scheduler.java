package io.atelier.scheduler;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs recurring tasks on whichever node claims each tick first. Every node checks every second; claiming a tick is
 * one conditional UPDATE (the row's last tick must be older), so exactly one node runs it, and it gets a fencing
 * token, a number no earlier run of the task holds. A tick missed while no node was up runs once at the next check.
 */
public final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final Vertx vertx;
  private final Pool pool;
  private final String node;
  private final List<ScheduledTask> tasks;
  private final Set<String> running = new HashSet<>();
  private long timer = -1;

  public Scheduler(Vertx vertx, Pool pool, String node, List<ScheduledTask> tasks) {
    this.vertx = vertx;
    this.pool = pool;
    this.node = node;
    this.tasks = List.copyOf(tasks);
  }

  public Future<Void> start() {
    return Future.all(tasks.stream().map(task -> pool
            .preparedQuery("INSERT INTO scheduled_tasks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .execute(Tuple.of(task.name())))
        .toList())
        .onSuccess(ignored -> {
          timer = vertx.setPeriodic(1_000, t -> tick());
          tick();
        })
        .mapEmpty();
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void tick() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    for (ScheduledTask task : tasks) {
      if (running.contains(task.name())) {
        continue;
      }
      task.latestTick(now).ifPresent(tick -> claimAndRun(task, tick.toOffsetDateTime()));
    }
  }

  private void claimAndRun(ScheduledTask task, OffsetDateTime tick) {
    running.add(task.name());
    pool.preparedQuery("""
            WITH claimed AS (
              UPDATE scheduled_tasks SET last_tick = $2, fencing_token = fencing_token + 1, last_node = $3
              WHERE name = $1 AND last_tick < $2
              RETURNING fencing_token)
            INSERT INTO scheduled_task_runs (name, tick, fencing_token, node)
            SELECT $1, $2, fencing_token, $3 FROM claimed
            RETURNING fencing_token""")
        .execute(Tuple.of(task.name(), tick, node))
        .compose(claimed -> {
          if (claimed.size() == 0) {
            return Future.succeededFuture();
          }
          long token = claimed.iterator().next().getLong("fencing_token");
          LOG.info("task={} tick={} token={} running on node={}", task.name(), tick, token, node);
          return Future.<String>future(p -> task.work().get().onComplete(p))
              .transform(result -> {
                String outcome = result.succeeded() ? result.result() : "failed: " + result.cause();
                if (result.failed()) {
                  LOG.warn("task={} tick={} failed: {}", task.name(), tick, result.cause().toString());
                }
                return pool.preparedQuery(
                        "UPDATE scheduled_task_runs SET finished_at = now(), result = $3 WHERE name = $1 AND tick = $2")
                    .execute(Tuple.of(task.name(), tick, outcome))
                    .<Void>mapEmpty();
              });
        })
        .onFailure(e -> LOG.warn("task={} could not be claimed: {}", task.name(), e.toString()))
        .onComplete(done -> running.remove(task.name()));
  }
}
