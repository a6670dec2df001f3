package io.atelier.scheduler;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.vertx.core.Future;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A recurring task: a name, a cron expression (Unix, five fields, or with seconds first, six fields; in UTC) and
 * the work, which returns a line saying what it did.
 */
public record ScheduledTask(String name, String cron, Supplier<Future<String>> work) {

  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  public ScheduledTask {
    if (name == null || !name.matches("[a-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("a scheduled task's name is 1-64 of a-z, 0-9 and '-', was " + name);
    }
    executionTime(name, cron);
  }

  /** The latest tick at or before {@code now}, if the schedule has one. */
  Optional<ZonedDateTime> latestTick(ZonedDateTime now) {
    ExecutionTime schedule = executionTime(name, cron);
    // A five-field schedule has minutes for its finest unit: its tick is the minute, whatever second it is now.
    ZonedDateTime base = hasSeconds(cron) ? now.truncatedTo(ChronoUnit.SECONDS) : now.truncatedTo(ChronoUnit.MINUTES);
    return schedule.isMatch(base) ? Optional.of(base) : schedule.lastExecution(base);
  }

  private static boolean hasSeconds(String cron) {
    return cron.trim().split("\\s+").length == 6;
  }

  private static ExecutionTime executionTime(String name, String cron) {
    try {
      Cron parsed = (hasSeconds(cron) ? WITH_SECONDS : UNIX).parse(cron.trim());
      return ExecutionTime.forCron(parsed.validate());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("schedule." + name + " is not a cron expression: '" + cron + "' ("
          + e.getMessage() + ")", e);
    }
  }
}
