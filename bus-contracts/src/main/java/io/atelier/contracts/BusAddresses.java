package io.atelier.contracts;

/** Every event-bus address the mesh uses. A verticle talks to another only through these. */
public final class BusAddresses {

  /** Published on every job state change; body is {@link JobEvent#toJson()}. */
  public static final String JOB_EVENTS = "atelier.jobs.events";

  private BusAddresses() {
  }
}
