package io.atelier.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A message sent while working for a request is handled working for it; the next message is not. */
class BusRequestIdsTest {

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    BusRequestIds.install(vertx.eventBus());
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on a new context working for {@code id} (none when null), as an HTTP request runs. */
  private <T> T forRequest(String id, Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Context base = vertx.getOrCreateContext();
    base.runOnContext(v -> RequestIds.runOn(RequestIds.scoped(base, id),
        () -> action.get().onComplete(done -> {
          if (done.succeeded()) {
            result.complete(done.result());
          } else {
            result.completeExceptionally(done.cause());
          }
        })));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aConsumerHandlesEachMessageWithTheIdOfTheRequestThatSentItAndNoneForAMessageSentOutsideOne()
      throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().<String>consumer("work", message -> {
      seen.add(String.valueOf(RequestIds.current()));
      // A callback of the handling still works for the message's request.
      vertx.setTimer(1, t -> message.reply(String.valueOf(RequestIds.current())));
    }).completion().await(5, TimeUnit.SECONDS);

    String first = forRequest("chaos-a", () -> vertx.eventBus().<String>request("work", "1").map(m -> m.body()));
    String second = forRequest(null, () -> vertx.eventBus().<String>request("work", "2").map(m -> m.body()));
    String third = forRequest("chaos-b", () -> vertx.eventBus().<String>request("work", "3").map(m -> m.body()));

    assertThat(seen).containsExactly("chaos-a", "null", "chaos-b");
    assertThat(List.of(first, second, third)).containsExactly("chaos-a", "null", "chaos-b");
  }

  @Test
  void theRequesterStillWorksForItsOwnRequestWhenTheReplyComesBack() throws Exception {
    vertx.eventBus().<String>consumer("echo", message -> message.reply("pong")).completion()
        .await(5, TimeUnit.SECONDS);
    String afterReply = forRequest("chaos-c", () -> vertx.eventBus().request("echo", "ping")
        .map(reply -> String.valueOf(RequestIds.current())));
    assertThat(afterReply).isEqualTo("chaos-c");
  }

  @Test
  void anIdTheSenderGaveItselfIsKeptAsIsNoneAndAnUnacceptableOneIsIgnored() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch handled = new CountDownLatch(3);
    vertx.eventBus().<String>consumer("events", message -> {
      seen.add(String.valueOf(RequestIds.current()));
      handled.countDown();
    }).completion().await(5, TimeUnit.SECONDS);
    forRequest("chaos-d", () -> {
      vertx.eventBus().publish("events", "a", new DeliveryOptions().addHeader(RequestIds.BUS_HEADER, "job-own-id"));
      vertx.eventBus().publish("events", "b", BusRequestIds.forRequest(null));
      vertx.eventBus().publish("events", "c", new DeliveryOptions().addHeader(RequestIds.BUS_HEADER, "bad id\n"));
      return Future.succeededFuture();
    });
    assertThat(handled.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly("job-own-id", "null", "null");
  }
}
