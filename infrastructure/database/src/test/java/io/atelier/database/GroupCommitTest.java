package io.atelier.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Operations that arrive while a write is under way go together in the next write; each gets its own result. */
class GroupCommitTest {

  /** A write that completes when the test says so, recording each batch it was given. */
  static final class ControlledWrite {
    final List<List<Integer>> batches = new ArrayList<>();
    final List<Promise<List<String>>> pending = new ArrayList<>();

    Future<List<String>> write(List<Integer> items) {
      batches.add(List.copyOf(items));
      Promise<List<String>> promise = Promise.promise();
      pending.add(promise);
      return promise.future();
    }

    void completeNext() {
      Promise<List<String>> promise = pending.remove(0);
      List<Integer> batch = batches.get(batches.size() - pending.size() - 1);
      if (batch.contains(13)) {
        promise.fail("13 is refused");
      } else {
        promise.complete(batch.stream().map(i -> "done " + i).toList());
      }
    }
  }

  @Test
  void aLoneOperationIsWrittenAtOnce() {
    ControlledWrite write = new ControlledWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(10, 1, write::write);
    Future<String> result = commit.submit(1);
    assertThat(write.batches).containsExactly(List.of(1));
    write.completeNext();
    assertThat(result.result()).isEqualTo("done 1");
  }

  @Test
  void operationsArrivingDuringAWriteGoTogetherInTheNextOneEachWithItsOwnResult() {
    ControlledWrite write = new ControlledWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(3, 1, write::write);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(commit.submit(i));
    }
    assertThat(write.batches).containsExactly(List.of(0));
    write.completeNext();
    assertThat(write.batches).containsExactly(List.of(0), List.of(1, 2, 3));
    write.completeNext();
    write.completeNext();
    write.completeNext();
    assertThat(write.batches).containsExactly(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
    for (int i = 0; i < 8; i++) {
      assertThat(results.get(i).result()).isEqualTo("done " + i);
    }
  }

  @Test
  void aBadOperationFailsAloneAndTheRestOfItsBatchIsWritten() {
    ControlledWrite write = new ControlledWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(10, 1, write::write);
    Future<String> first = commit.submit(1);
    Future<String> good = commit.submit(12);
    Future<String> bad = commit.submit(13);
    Future<String> alsoGood = commit.submit(14);
    write.completeNext();
    write.completeNext();
    // The batch 12, 13, 14 failed; each is written again on its own.
    assertThat(write.batches).endsWith(List.of(12), List.of(13), List.of(14));
    while (!write.pending.isEmpty()) {
      write.completeNext();
    }
    assertThat(first.result()).isEqualTo("done 1");
    assertThat(good.result()).isEqualTo("done 12");
    assertThat(bad.failed()).isTrue();
    assertThat(bad.cause()).hasMessage("13 is refused");
    assertThat(alsoGood.result()).isEqualTo("done 14");
  }

  @Test
  void aWriteThatThrowsFailsItsOperationsInsteadOfLosingThem() {
    AtomicInteger calls = new AtomicInteger();
    GroupCommit<Integer, String> commit = new GroupCommit<>(10, 2, items -> {
      calls.incrementAndGet();
      throw new IllegalStateException("no connection");
    });
    Future<String> result = commit.submit(1);
    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).hasMessage("no connection");
    // The write slot was given back: the next operation is tried again.
    assertThat(commit.submit(2).failed()).isTrue();
    assertThat(calls).hasValue(2);
  }

  @Test
  void eachResultIsDeliveredOnTheContextThatSubmittedItsOperationNotOnTheOneWhoseWriteCarriedIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // Two requests' contexts on one event loop, as an HTTP server makes them.
      ContextInternal base = (ContextInternal) vertx.getOrCreateContext();
      ContextInternal first = base.duplicate();
      ContextInternal second = base.duplicate();
      ControlledWrite write = new ControlledWrite();
      GroupCommit<Integer, String> commit = new GroupCommit<>(10, 1, write::write);
      CompletableFuture<List<Context>> heardOn = new CompletableFuture<>();
      List<Context> contexts = new CopyOnWriteArrayList<>();
      base.runOnContext(v -> {
        first.dispatch(() -> commit.submit(1).onComplete(r -> contexts.add(Vertx.currentContext())));
        second.dispatch(() -> commit.submit(2).onComplete(r -> contexts.add(Vertx.currentContext())));
        second.dispatch(() -> commit.submit(3).onComplete(r -> {
          contexts.add(Vertx.currentContext());
          heardOn.complete(contexts);
        }));
        // The first write (1) and the batch after it (2, 3) both complete on the first request's context.
        first.dispatch(() -> {
          write.completeNext();
          write.completeNext();
        });
      });
      assertThat(heardOn.get(10, TimeUnit.SECONDS)).containsExactly(first, second, second);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
