package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a project may hold and run at once, from the {@code quotas} section ({@code projects} sets other numbers for
 * some projects, by id), and what it uses of that, read from PostgreSQL when asked. Checks are made when something is
 * asked for, so two requests at the same moment may together pass a quota by one of them: quotas bound a project's
 * share of the mesh, they are not an exact ledger.
 */
public final class ProjectQuotas {

  public static final long DEFAULT_STORED_BYTES = 20L << 30;
  public static final int DEFAULT_CONCURRENT_JOBS = 100;
  public static final int DEFAULT_COLLAB_CONNECTIONS = 500;

  /** One project's numbers. */
  public record Quota(long storedBytes, int concurrentJobs, int collabConnections) {
  }

  /** A quota a request would pass: which, its number, and what the project uses now. */
  public record Exceeded(String quota, long limit, long used, int status) {

    public String detail() {
      return switch (quota) {
        case "storedBytes" -> "the project's quota of " + limit + " stored bytes would be passed: it holds " + used
            + "; remove assets or ask for a larger quota";
        case "concurrentJobs" -> "the project already has " + used + " unfinished jobs, its quota; submit more once "
            + "some have finished";
        default -> "the project already has " + used + " open collaboration connections, its quota";
      };
    }
  }

  private final Pool pool;
  private final Quota defaults;
  private final Map<UUID, Quota> projects;

  private ProjectQuotas(Pool pool, Quota defaults, Map<UUID, Quota> projects) {
    this.pool = pool;
    this.defaults = defaults;
    this.projects = Map.copyOf(projects);
  }

  /** Reads {@code config.quotas}; fails naming the key that is wrong. */
  public static ProjectQuotas from(Pool pool, JsonObject config) {
    JsonObject section = config.getJsonObject("quotas", new JsonObject());
    Quota defaults = quota(section, "quotas.", new Quota(DEFAULT_STORED_BYTES, DEFAULT_CONCURRENT_JOBS,
        DEFAULT_COLLAB_CONNECTIONS));
    Map<UUID, Quota> projects = ProjectOverrides.read(section, "quotas.", (project, at) -> quota(project, at, defaults));
    return new ProjectQuotas(pool, defaults, projects);
  }

  public Quota of(UUID projectId) {
    return projects.getOrDefault(projectId, defaults);
  }

  /**
   * Whether storing {@code more} bytes would pass the project's quota: what its assets hold plus what its unfinished
   * uploads have declared. A {@code 413} when it would.
   */
  public Future<Optional<Exceeded>> checkStoredBytes(UUID projectId, long more) {
    long limit = of(projectId).storedBytes();
    return pool.preparedQuery("""
            SELECT (SELECT coalesce(sum(size_bytes), 0) FROM assets WHERE project_id = $1)
                 + (SELECT coalesce(sum(upload_length), 0) FROM uploads
                    WHERE project_id = $1 AND state IN ('receiving', 'completing')) AS used""")
        .execute(Tuple.of(projectId))
        .map(rows -> {
          long used = rows.iterator().next().getLong("used");
          return used + more > limit ? Optional.of(new Exceeded("storedBytes", limit, used, 413)) : Optional.empty();
        });
  }

  /** Whether the project has as many unfinished (queued or running) jobs as its quota allows: a {@code 429} then. */
  public Future<Optional<Exceeded>> checkConcurrentJobs(UUID projectId) {
    int limit = of(projectId).concurrentJobs();
    // Counts no further than the quota: the unfinished jobs are few, the finished ones may be millions.
    return pool.preparedQuery("""
            SELECT count(*) AS used FROM (
              SELECT 1 FROM jobs WHERE project_id = $1 AND finished_at IS NULL LIMIT $2) unfinished""")
        .execute(Tuple.of(projectId, limit))
        .map(rows -> {
          long used = rows.iterator().next().getLong("used");
          return used >= limit ? Optional.of(new Exceeded("concurrentJobs", limit, used, 429)) : Optional.empty();
        });
  }

  private static Quota quota(JsonObject section, String at, Quota fallback) {
    return new Quota(whole(section, at, "storedBytes", fallback.storedBytes(), Long.MAX_VALUE),
        (int) whole(section, at, "concurrentJobs", fallback.concurrentJobs(), 1_000_000),
        (int) whole(section, at, "collabConnections", fallback.collabConnections(), 1_000_000));
  }

  private static long whole(JsonObject section, String at, String key, long fallback, long max) {
    Object value = section.getValue(key, fallback);
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
        || number.longValue() < 1 || number.longValue() > max) {
      throw new IllegalArgumentException(at + key + " must be a whole number from 1 to " + max + ", was " + value);
    }
    return number.longValue();
  }
}
