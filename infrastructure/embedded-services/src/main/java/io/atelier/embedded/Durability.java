package io.atelier.embedded;

import java.util.List;

/**
 * Whether a commit the embedded servers acknowledge survives the machine losing power, as the settings they are
 * started with, named as {@code SHOW} and {@code CONFIG GET} name them.
 */
public enum Durability {

  /**
   * As {@code dev} and the tests run them: PostgreSQL neither flushes its WAL at commit nor fsyncs at all (a crash may
   * lose recent commits or corrupt the cluster), Redis fsyncs its append-only file once a second.
   */
  DEV_DEFAULTS(
      List.of(new Setting("fsync", "off"), new Setting("synchronous_commit", "off"),
          new Setting("full_page_writes", "on")),
      List.of(new Setting("appendonly", "yes"), new Setting("appendfsync", "everysec"))),

  /**
   * Nothing acknowledged may be lost: PostgreSQL flushes the WAL before it answers a commit (and writes whole pages
   * after a checkpoint, so a torn page can be repaired), Redis fsyncs its append-only file before it answers a write.
   */
  DURABLE(
      List.of(new Setting("fsync", "on"), new Setting("synchronous_commit", "on"),
          new Setting("full_page_writes", "on")),
      List.of(new Setting("appendonly", "yes"), new Setting("appendfsync", "always")));

  /** A server setting and its value. */
  public record Setting(String name, String value) {
  }

  private final List<Setting> postgres;
  private final List<Setting> redis;

  Durability(List<Setting> postgres, List<Setting> redis) {
    this.postgres = postgres;
    this.redis = redis;
  }

  /** What PostgreSQL is started with, and answers to {@code SHOW}. */
  public List<Setting> postgresSettings() {
    return postgres;
  }

  /** What Redis is started with, and answers to {@code CONFIG GET}. */
  public List<Setting> redisSettings() {
    return redis;
  }
}
