package io.atelier.scheduler;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** The {@code schedule} section: a cron expression per task name, over the tasks' defaults. */
public final class Schedules {

  private Schedules() {
  }

  /** The defaults with the configuration's {@code schedule} section over them; a name that is no task fails. */
  public static Map<String, String> read(JsonObject config, Map<String, String> defaults) {
    Map<String, String> schedules = new LinkedHashMap<>(defaults);
    JsonObject section = config.getJsonObject("schedule", new JsonObject());
    for (String name : section.fieldNames()) {
      if (!defaults.containsKey(name)) {
        throw new IllegalArgumentException("schedule." + name + " is not a task; the tasks are "
            + new TreeSet<>(defaults.keySet()));
      }
      if (!(section.getValue(name) instanceof String cron)) {
        throw new IllegalArgumentException("schedule." + name + " must be a cron expression in a string");
      }
      schedules.put(name, cron);
    }
    return schedules;
  }
}
