package io.atelier.jobs;

import io.atelier.contracts.JobState;
import java.util.UUID;

/** A job or pipeline is not in a state that allows what was asked: "job … is succeeded; only failed or cancelled jobs can be retried". */
public final class WrongStateException extends RuntimeException {

  private final transient JobState state;

  WrongStateException(String subject, UUID id, JobState state, String action, String allowed) {
    super(subject + " " + id + " is " + state.wireName() + "; only " + allowed + " " + subject + "s can be " + action);
    this.state = state;
  }

  /** The state it is in. */
  public JobState state() {
    return state;
  }
}
