package io.atelier.jobs;

import io.atelier.contracts.ErrorCode;

/** A job handler's verdict that the job cannot succeed, with the reason the job's caller will read. */
public final class JobFailedException extends RuntimeException {

  private final ErrorCode code;

  public JobFailedException(ErrorCode code, String reason) {
    super(reason);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The text stored as the job's error. */
  public String describe() {
    return code.name().toLowerCase(java.util.Locale.ROOT) + ": " + getMessage();
  }
}
