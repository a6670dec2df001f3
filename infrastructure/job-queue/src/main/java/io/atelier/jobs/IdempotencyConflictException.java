package io.atelier.jobs;

/** An idempotency key came back with a different request than the one it first named. */
public final class IdempotencyConflictException extends RuntimeException {

  public IdempotencyConflictException(String key) {
    super("Idempotency-Key '" + key + "' was first used with a different request");
  }
}
