package io.atelier.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's slots fed from its stream: the fetch loop reads entries for the free slots and hands them over,
 * and while jobs are short it also reads up to {@code concurrency} entries ahead, so that a slot that frees starts its
 * next job at once instead of first waiting for Redis. Only entries are held ahead (pending in the group), never jobs:
 * no more than {@code concurrency} entries are in the slots at once. Behind long jobs it reads only for free slots, so
 * that no entry waits here while another worker could run it. Entries taken over after another consumer's lease are
 * looked for every half lease. Every method runs on the worker's context.
 */
final class SlotFeeder {

  private static final Logger LOG = LoggerFactory.getLogger(SlotFeeder.class);
  /** Jobs that run shorter than this on average are read ahead; until the first one ends, a kind counts as long. */
  static final long READ_AHEAD_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Vertx vertx;
  private final WorkerContext context;
  private final JobStream stream;
  private final WorkerConfig config;
  private final String workerName;
  /** Takes entries into slots; each is given back with {@link #release} once its job has run or been dropped. */
  private final Consumer<List<JobStream.Entry>> slots;
  private final ArrayDeque<JobStream.Entry> readAhead = new ArrayDeque<>();
  private final Promise<Void> stopped = Promise.promise();
  /** Entries in the slots: their jobs starting or running. */
  private int inSlots;
  /** A moving average of how long jobs run. */
  private long recentRunNanos = READ_AHEAD_BELOW_NANOS + 1;
  private long lastClaimCheck;
  private boolean stopping;
  /** A read or take-over of entries is on its way. */
  private boolean reading;
  private int handingBack;
  /** Completed when there is room again: the fetch loop waits on it while the slots and read-ahead are full. */
  private Promise<Void> roomFreed;

  SlotFeeder(Vertx vertx, WorkerContext context, JobStream stream, WorkerConfig config, String workerName,
             Consumer<List<JobStream.Entry>> slots) {
    this.vertx = vertx;
    this.context = context;
    this.stream = stream;
    this.config = config;
    this.workerName = workerName;
    this.slots = slots;
    this.lastClaimCheck = System.nanoTime() - config.lease().toNanos();
  }

  void start() {
    fetch();
  }

  /** Entries in the slots now. */
  int inSlots() {
    return inSlots;
  }

  /** A job ran for {@code nanos}: it counts towards whether the worker reads ahead. */
  void ran(long nanos) {
    recentRunNanos += (nanos - recentRunNanos) / 4;
  }

  /** Frees {@code count} slots: their entries' jobs have run, or the entries were dropped. */
  void release(int count) {
    inSlots -= count;
    fill();
    wakeFetcher();
  }

  /**
   * Stops reading: the loop ends and the entries read ahead go back to the stream for any worker to take now.
   * Completes when both are done; entries in the slots stay there.
   */
  Future<Void> stop() {
    if (!stopping) {
      stopping = true;
      handBack();
      // A read blocked in XREADGROUP ends when its connection does.
      stream.dropReadConnection();
      wakeFetcher();
    }
    return stopped.future();
  }

  private void fetch() {
    if (stopping) {
      checkStopped();
      return;
    }
    int ahead = recentRunNanos < READ_AHEAD_BELOW_NANOS ? config.concurrency() : 0;
    int wanted = config.concurrency() - inSlots + ahead - readAhead.size();
    if (wanted <= 0) {
      roomFreed = Promise.promise();
      roomFreed.future().onComplete(v -> fetch());
      return;
    }
    long now = System.nanoTime();
    boolean claimDue = now - lastClaimCheck >= config.lease().toNanos() / 2;
    Future<List<JobStream.Entry>> claimed = claimDue ? stream.claimIdle(config.lease(), wanted)
        : Future.succeededFuture(List.of());
    reading = true;
    context.on(claimed
            .onSuccess(entries -> {
              // While expired entries keep turning up, look again before the next read.
              if (claimDue && entries.size() < wanted) {
                lastClaimCheck = now;
              }
            })
            .compose(entries -> entries.isEmpty() ? stream.readNew(wanted, config.pollBlock())
                : Future.succeededFuture(entries)))
        .onComplete(result -> {
          reading = false;
          if (result.succeeded()) {
            readAhead.addAll(result.result());
            if (stopping) {
              // Read while the worker stopped: handed back with the rest.
              stream.dropReadConnection();
              handBack();
            } else {
              fill();
            }
            fetch();
          } else if (stopping) {
            fetch();
          } else if (JobStream.isGroupLost(result.cause())) {
            // Redis lost the stream and its group: make them again; the sweeper re-publishes what PostgreSQL holds.
            LOG.warn("worker={} consumer group is gone; creating it again", workerName);
            stream.ensureGroup().onComplete(ignored -> vertx.setTimer(100, t -> fetch()));
          } else {
            LOG.warn("worker={} queue error, retrying in 1 s: {}", workerName, result.cause().toString());
            stream.dropReadConnection();
            vertx.setTimer(1_000, t -> fetch());
          }
        });
  }

  /** Hands read-ahead entries to the free slots. */
  private void fill() {
    int free = config.concurrency() - inSlots;
    if (free <= 0 || readAhead.isEmpty() || stopping) {
      return;
    }
    List<JobStream.Entry> next = new ArrayList<>(Math.min(free, readAhead.size()));
    while (next.size() < free && !readAhead.isEmpty()) {
      next.add(readAhead.poll());
    }
    inSlots += next.size();
    wakeFetcher();
    slots.accept(next);
  }

  private void handBack() {
    if (readAhead.isEmpty()) {
      return;
    }
    List<JobStream.Entry> entries = List.copyOf(readAhead);
    readAhead.clear();
    handingBack++;
    context.on(stream.handBack(entries)).onComplete(result -> {
      handingBack--;
      if (result.failed()) {
        LOG.warn("worker={} could not hand back {} read-ahead entries (they are taken over after the lease): {}",
            workerName, entries.size(), result.cause().toString());
      }
      checkStopped();
    });
  }

  private void checkStopped() {
    if (stopping && !reading && handingBack == 0 && readAhead.isEmpty()) {
      stopped.tryComplete();
    }
  }

  private void wakeFetcher() {
    Promise<Void> waiting = roomFreed;
    roomFreed = null;
    if (waiting != null) {
      waiting.complete();
    }
  }
}
