package io.atelier.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A message that does not decode through its contract is refused with a typed failure; the consumer carries on. */
class BusMessagesTest {

  private Vertx vertx;
  private final List<CancelJob> decoded = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().consumer("cancels", message -> BusMessages.decode(message, CancelJob::fromJson)
        .ifPresent(request -> {
          decoded.add(request);
          message.reply("ok");
        })).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aRequestThatDoesNotDecodeFailsAtOnceWithTheReason() throws Exception {
    CancelJob valid = new CancelJob(UUID.randomUUID(), 1);
    assertRefused("not json", "its body is a String, not a JSON object");
    assertRefused(new JsonObject(), "unsupported cancel");
    assertRefused(valid.toJson().put("v", 99), "schema version 99");
    assertRefused(valid.toJson().put("jobId", "nope"), "jobId");
    assertRefused(valid.toJson().put("attempt", "one"), "attempt");
    assertThat(request(valid.toJson())).as("the consumer still answers").isEqualTo("ok");
    assertThat(decoded).containsExactly(valid);
  }

  @Test
  void aPublishedMessageThatDoesNotDecodeIsDroppedAndTheConsumerCarriesOn() throws Exception {
    vertx.eventBus().publish("cancels", "garbage");
    vertx.eventBus().publish("cancels", new JsonObject().put("v", 1));
    CancelJob valid = new CancelJob(UUID.randomUUID(), 2);
    assertThat(request(valid.toJson())).isEqualTo("ok");
    assertThat(decoded).containsExactly(valid);
  }

  private void assertRefused(Object body, String reason) {
    try {
      request(body);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      ReplyException refused = (ReplyException) e.getCause();
      assertThat(refused.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(refused.failureCode()).isEqualTo(ErrorCode.INVALID_INPUT.busCode());
      assertThat(refused.getMessage()).startsWith("message refused: ").contains(reason);
      return;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(body + " was accepted");
  }

  private Object request(Object body) throws Exception {
    // A short timeout: a refusal must come back at once, not as the sender's timeout.
    return vertx.eventBus().request("cancels", body, new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2_000))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
  }
}
