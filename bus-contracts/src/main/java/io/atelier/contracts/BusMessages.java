package io.atelier.contracts;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading a bus message through its contract: how every consumer of the mesh decodes what it receives. A message
 * that does not decode (not a JSON object, a schema version this node does not speak, a field missing or wrong) is
 * refused, never thrown into the consumer: a request is answered with {@link ErrorCode#INVALID_INPUT} and the reason,
 * so its sender fails at once instead of at its timeout, and the refusal is logged once, naming the address.
 */
public final class BusMessages {

  private static final Logger LOG = LoggerFactory.getLogger(BusMessages.class);

  private BusMessages() {
  }

  /** {@code message}'s body read by {@code contract} (a contract's {@code fromJson}), or empty if it is refused. */
  public static <T> Optional<T> decode(Message<?> message, Function<JsonObject, T> contract) {
    try {
      return Optional.of(read(message, contract));
    } catch (RefusedMessage refused) {
      LOG.warn("bus address={} refused a message: {}", message.address(), refused.getMessage());
      if (message.replyAddress() != null) {
        message.fail(ErrorCode.INVALID_INPUT.busCode(), "message refused: " + refused.getMessage());
      }
      return Optional.empty();
    }
  }

  /**
   * As {@link #decode}, for a second consumer of a published address on the same node: empty, without a log line
   * of its own, when the message is refused (the first consumer logs it).
   */
  public static <T> Optional<T> decodeQuietly(Message<?> message, Function<JsonObject, T> contract) {
    try {
      return Optional.of(read(message, contract));
    } catch (RefusedMessage refused) {
      return Optional.empty();
    }
  }

  private static <T> T read(Message<?> message, Function<JsonObject, T> contract) {
    Object body = message.body();
    if (!(body instanceof JsonObject json)) {
      throw new RefusedMessage(body == null ? "it has no body" : "its body is a " + body.getClass().getSimpleName()
          + ", not a JSON object");
    }
    try {
      return contract.apply(json);
    } catch (RuntimeException unreadable) {
      // The contracts name the field (IllegalArgumentException); anything else they throw is a bug, still refused.
      throw new RefusedMessage(unreadable instanceof IllegalArgumentException ? unreadable.getMessage()
          : unreadable.toString());
    }
  }

  private static final class RefusedMessage extends RuntimeException {
    RefusedMessage(String reason) {
      super(reason, null, false, false);
    }
  }
}
