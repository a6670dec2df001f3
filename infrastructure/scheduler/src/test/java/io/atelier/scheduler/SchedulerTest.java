package io.atelier.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recurring tasks across two nodes sharing one PostgreSQL. */
class SchedulerTest {

  static EmbeddedServices services;
  static PostgresConfig postgres;
  static Vertx nodeA;
  static Vertx nodeB;
  static Pool pool;

  @BeforeAll
  static void start() throws Exception {
    services = EmbeddedServices.startTemporary("atelier-scheduler-test-");
    var pg = services.postgres();
    postgres = new PostgresConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 4);
    Migrations.apply(postgres);
    nodeA = Vertx.vertx();
    nodeB = Vertx.vertx();
    pool = DatabasePool.create(nodeA, postgres);
  }

  @AfterAll
  static void stop() {
    await(nodeA.close());
    await(nodeB.close());
    services.close();
  }

  @Test
  void eachTickRunsOnExactlyOneOfTwoNodes() throws Exception {
    AtomicInteger onA = new AtomicInteger();
    AtomicInteger onB = new AtomicInteger();
    Scheduler a = new Scheduler(nodeA, DatabasePool.create(nodeA, postgres), "node-a",
        List.of(new ScheduledTask("every-second", "* * * * * *", () -> Future.succeededFuture("a " + onA.incrementAndGet()))));
    Scheduler b = new Scheduler(nodeB, DatabasePool.create(nodeB, postgres), "node-b",
        List.of(new ScheduledTask("every-second", "* * * * * *", () -> Future.succeededFuture("b " + onB.incrementAndGet()))));
    await(a.start());
    await(b.start());
    Thread.sleep(4_500);
    a.stop();
    b.stop();
    Thread.sleep(300);
    long runs = count("SELECT count(*) AS n FROM scheduled_task_runs WHERE name = 'every-second'");
    assertThat(onA.get() + onB.get()).as("every run is one claimed tick").isEqualTo((int) runs);
    assertThat(runs).as("one run per elapsed second at most").isBetween(2L, 6L);
    long distinctTokens = count("SELECT count(DISTINCT fencing_token) AS n FROM scheduled_task_runs WHERE name = 'every-second'");
    assertThat(distinctTokens).isEqualTo(runs);
  }

  @Test
  void aTickMissedWhileNoNodeWasUpRunsOnceWhenOneComesBack() throws Exception {
    await(pool.preparedQuery("INSERT INTO scheduled_tasks (name, last_tick) VALUES ('hourly', now() - interval '5 hours')")
        .execute());
    AtomicInteger runs = new AtomicInteger();
    Scheduler scheduler = new Scheduler(nodeA, DatabasePool.create(nodeA, postgres), "node-a",
        List.of(new ScheduledTask("hourly", "0 * * * *", () -> Future.succeededFuture("ran " + runs.incrementAndGet()))));
    await(scheduler.start());
    Thread.sleep(2_500);
    scheduler.stop();
    assertThat(runs).as("five missed ticks, one run").hasValue(1);
    assertThat(count("SELECT count(*) AS n FROM scheduled_task_runs WHERE name = 'hourly' AND finished_at IS NOT NULL"))
        .isEqualTo(1);
  }

  @Test
  void aScheduleTicksAtItsOwnResolution() {
    java.time.ZonedDateTime now = java.time.ZonedDateTime.parse("2026-11-22T05:23:45.250Z");
    ScheduledTask everyMinute = new ScheduledTask("m", "* * * * *", () -> Future.succeededFuture(""));
    assertThat(everyMinute.latestTick(now)).contains(java.time.ZonedDateTime.parse("2026-11-22T05:23:00Z"));
    assertThat(everyMinute.latestTick(now.plusSeconds(10))).contains(java.time.ZonedDateTime.parse("2026-11-22T05:23:00Z"));
    ScheduledTask everySecond = new ScheduledTask("s", "* * * * * *", () -> Future.succeededFuture(""));
    assertThat(everySecond.latestTick(now)).contains(java.time.ZonedDateTime.parse("2026-11-22T05:23:45Z"));
    ScheduledTask hourly = new ScheduledTask("h", "17 * * * *", () -> Future.succeededFuture(""));
    assertThat(hourly.latestTick(now)).contains(java.time.ZonedDateTime.parse("2026-11-22T05:17:00Z"));
  }

  @Test
  void aBadScheduleIsRefusedNamingIt() {
    assertThatThrownBy(() -> new ScheduledTask("purge", "61 * * * *", () -> Future.succeededFuture("")))
        .hasMessageContaining("schedule.purge");
    java.util.Map<String, String> defaults = java.util.Map.of("purge-idempotency-keys", "17 * * * *");
    assertThatThrownBy(() -> Schedules.read(new JsonObject().put("schedule",
        new JsonObject().put("no-such-task", "* * * * *")), defaults)).hasMessageContaining("schedule.no-such-task");
    assertThat(Schedules.read(new JsonObject().put("schedule",
        new JsonObject().put("purge-idempotency-keys", "5 * * * *")), defaults))
        .containsEntry("purge-idempotency-keys", "5 * * * *");
    assertThat(Schedules.read(new JsonObject(), defaults)).isEqualTo(defaults);
  }

  private static long count(String sql) {
    return await(pool.preparedQuery(sql).execute(Tuple.tuple())).iterator().next().getLong("n");
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
