package io.atelier.collab;

/** A frame that is not a y-websocket message this server understands; its socket is closed, naming why. */
final class MalformedMessageException extends RuntimeException {

  MalformedMessageException(String message) {
    super(message, null, false, false);
  }
}
