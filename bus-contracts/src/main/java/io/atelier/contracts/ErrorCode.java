package io.atelier.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * Failure codes that cross the bus (a request's failure code, {@link #busCode()}) and end up in job errors; the edge
 * maps them to HTTP in one place. The numbers are part of the contract: they never change meaning.
 */
public enum ErrorCode {
  /** The input is malformed or incomplete. */
  INVALID_INPUT(400),
  /** The thing named does not exist in the caller's project (or, on the bus, where the request was sent). */
  NOT_FOUND(404),
  /** The bytes are not a media format the mesh accepts. */
  UNSUPPORTED_MEDIA(415),
  /** The media claims a supported format but cannot be decoded. Not worth retrying. */
  CORRUPT_MEDIA(422),
  /** A dependency (database, Redis, object storage) is unreachable. Worth retrying. */
  UNAVAILABLE(503),
  /** Anything else. */
  INTERNAL(500);

  private final int busCode;

  ErrorCode(int busCode) {
    this.busCode = busCode;
  }

  /** The failure code a bus reply carries for this error. */
  public int busCode() {
    return busCode;
  }

  public static Optional<ErrorCode> fromBusCode(int code) {
    return Arrays.stream(values()).filter(c -> c.busCode == code).findFirst();
  }
}
