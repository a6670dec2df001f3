package io.atelier.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which client ids are kept, and where an id lives: on one request's context and what it starts, nowhere else. */
class RequestIdsTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "chaos-7f3a", "0c9e4b1e-5f7a-4f5e-9a57-2b6d1c3e8f90", "trace:span.1_2-3",
      "AZaz09._:-"})
  void aClientIdOfOneTo128SafeCharactersIsKept(String id) {
    assertThat(RequestIds.isAcceptable(id)).isTrue();
    assertThat(RequestIds.fromClient(id)).isEqualTo(id);
  }

  @Test
  void anIdOfExactly128CharactersIsKeptAndOneMoreIsNot() {
    assertThat(RequestIds.fromClient("x".repeat(128))).isEqualTo("x".repeat(128));
    assertThat(RequestIds.isAcceptable("x".repeat(129))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "has space", "new\nline", "semi;colon", "slash/", "quote\"", "percent%20",
      "unicodé", "tab\t", "{json}", "a,b"})
  void aClientIdWithOtherCharactersIsReplacedByANewOne(String id) {
    assertThat(RequestIds.isAcceptable(id)).isFalse();
    String replaced = RequestIds.fromClient(id);
    assertThat(replaced).isNotEqualTo(id);
    assertThat(RequestIds.isAcceptable(replaced)).isTrue();
  }

  @Test
  void noClientIdGetsANewOneEachTime() {
    String first = RequestIds.fromClient(null);
    assertThat(RequestIds.isAcceptable(first)).isTrue();
    assertThat(RequestIds.fromClient(null)).isNotEqualTo(first);
  }

  @Test
  void aScopedContextAndTheCallbacksOfWhatItStartsCarryTheIdWhileItsBaseContextDoesNot() throws Exception {
    Context base = vertx.getOrCreateContext();
    CompletableFuture<String> onBase = new CompletableFuture<>();
    CompletableFuture<String> inTimer = new CompletableFuture<>();
    CompletableFuture<String> inBlockingCode = new CompletableFuture<>();
    base.runOnContext(v -> {
      Context scoped = RequestIds.scoped(base, "chaos-1");
      RequestIds.runOn(scoped, () -> {
        vertx.setTimer(5, t -> inTimer.complete(RequestIds.current()));
        vertx.executeBlocking(RequestIds::current).onSuccess(inBlockingCode::complete);
      });
      onBase.complete(String.valueOf(RequestIds.current()));
    });
    assertThat(onBase.get(5, TimeUnit.SECONDS)).isEqualTo("null");
    assertThat(inTimer.get(5, TimeUnit.SECONDS)).isEqualTo("chaos-1");
    assertThat(inBlockingCode.get(5, TimeUnit.SECONDS)).isEqualTo("chaos-1");
  }

  @Test
  void anIdIsNeverSetOnABaseContextWhichServesManyRequests() throws Exception {
    Context base = vertx.getOrCreateContext();
    CompletableFuture<Boolean> set = new CompletableFuture<>();
    base.runOnContext(v -> set.complete(RequestIds.set(base, "chaos-2")));
    assertThat(set.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(RequestIds.of(base)).isNull();
  }
}
