package io.atelier.database;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Settings some projects have of their own: a configuration section's {@code projects} object, keyed by project id,
 * each value an object read by the section's own parser. Refused naming the key when an id or a value is not one.
 */
public final class ProjectOverrides {

  /** Reads one project's object; {@code at} is its key's path, such as {@code quotas.projects.<id>.}. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(JsonObject project, String at);
  }

  private ProjectOverrides() {
  }

  /** The overrides of {@code section.projects}; {@code at} is the section's path, such as {@code quotas.}. */
  public static <T> Map<UUID, T> read(JsonObject section, String at, Reader<T> reader) {
    Map<UUID, T> projects = new HashMap<>();
    Object value = section.getValue("projects");
    if (value == null) {
      return projects;
    }
    if (!(value instanceof JsonObject overrides)) {
      throw new IllegalArgumentException(at + "projects: must be an object keyed by project id");
    }
    for (String id : overrides.fieldNames()) {
      UUID projectId;
      try {
        projectId = UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "projects: '" + id + "' is not a project id");
      }
      if (!(overrides.getValue(id) instanceof JsonObject project)) {
        throw new IllegalArgumentException(at + "projects." + id + ": must be an object");
      }
      projects.put(projectId, reader.read(project, at + "projects." + id + "."));
    }
    return projects;
  }
}
