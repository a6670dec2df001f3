package io.atelier.yjs;

/** Bytes that are not a valid Yjs update (format v1) or state vector: truncated, out of range or undecodable. */
public final class MalformedUpdateException extends RuntimeException {

  public MalformedUpdateException(String message) {
    super(message);
  }

  public MalformedUpdateException(String message, Throwable cause) {
    super(message, cause);
  }
}
