package io.atelier.jobs;

import java.util.concurrent.CancellationException;

/**
 * A running job's cancellation, requested through the API and noticed by the worker at its next lease renewal.
 * Handlers check it where stopping is safe (between chunks of work); it may be read from any thread.
 */
public final class Cancellation {

  private volatile boolean requested;

  public boolean isRequested() {
    return requested;
  }

  /** Throws {@link CancellationException} once cancellation is requested. */
  public void throwIfRequested() {
    if (requested) {
      throw new CancellationException("the job was cancelled");
    }
  }

  void request() {
    requested = true;
  }
}
