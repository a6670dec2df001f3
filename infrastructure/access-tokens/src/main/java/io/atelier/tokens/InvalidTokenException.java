package io.atelier.tokens;

/** A token that does not open what it was shown for: malformed, badly signed, expired or for something else. */
public final class InvalidTokenException extends RuntimeException {

  public InvalidTokenException(String reason) {
    super(reason, null, false, false);
  }
}
