package io.atelier.contracts;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The life of a job. The allowed transitions are written here once. */
public enum JobState {
  QUEUED("queued"),
  RUNNING("running"),
  SUCCEEDED("succeeded"),
  FAILED("failed"),
  CANCELLED("cancelled");

  private final String wireName;

  JobState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /**
   * States this one may move to: the moves PostgreSQL's transition functions make (JobTransitionsTest checks the two
   * agree). A running job may start again (taken over after its worker's lease expired) or go back to the queue (a
   * retry after a failure, or handed back by a stopping worker).
   */
  public Set<JobState> successors() {
    return switch (this) {
      case QUEUED -> EnumSet.of(RUNNING, CANCELLED);
      case RUNNING -> EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED, QUEUED);
      case FAILED, CANCELLED -> EnumSet.of(QUEUED);
      case SUCCEEDED -> EnumSet.noneOf(JobState.class);
    };
  }

  public boolean canMoveTo(JobState next) {
    return successors().contains(next);
  }

  public static JobState fromWireName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown job state: " + name));
  }
}
