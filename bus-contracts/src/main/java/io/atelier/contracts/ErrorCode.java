package io.atelier.contracts;

/** Failure codes that cross the bus and end up in job errors; the edge maps them to HTTP in one place. */
public enum ErrorCode {
  /** The input is malformed or incomplete. */
  INVALID_INPUT,
  /** The thing named does not exist in the caller's project. */
  NOT_FOUND,
  /** The bytes are not a media format the mesh accepts. */
  UNSUPPORTED_MEDIA,
  /** The media claims a supported format but cannot be decoded. Not worth retrying. */
  CORRUPT_MEDIA,
  /** A dependency (database, Redis, object storage) is unreachable. Worth retrying. */
  UNAVAILABLE,
  /** Anything else. */
  INTERNAL
}
