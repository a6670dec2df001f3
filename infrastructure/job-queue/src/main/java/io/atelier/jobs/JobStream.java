package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.database.GroupCommit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's side of a kind's Redis stream and consumer group: reading new entries, taking over entries another
 * consumer left idle past the lease, acknowledging, keeping entries claimed while their jobs run, and giving entries
 * back. An entry stays pending in the group until acknowledged, so one read by a consumer that dies is taken over.
 */
final class JobStream {

  private static final Logger LOG = LoggerFactory.getLogger(JobStream.class);

  /** An entry as read: its stream id and its fields (see {@link io.atelier.contracts.QueuedJob}). */
  record Entry(String id, Map<String, String> fields) {
  }

  private final Redis redis;
  private final JobKind kind;
  private final String consumer;
  private final GroupCommit<String, Void> acknowledgements;
  /** XREADGROUP BLOCK holds its connection, so reads go over a connection of their own. Touched on one context. */
  private RedisConnection readConnection;
  private Context readContext;

  JobStream(Redis redis, JobKind kind, String consumer, int batch) {
    this.redis = redis;
    this.kind = kind;
    this.consumer = consumer;
    this.acknowledgements = new GroupCommit<>(batch, 1, this::acknowledgeAll);
  }

  JobKind kind() {
    return kind;
  }

  /** Creates the group if it does not exist; entries added before it existed are still delivered. */
  Future<Void> ensureGroup() {
    return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(kind.streamKey()).arg(kind.consumerGroup())
            .arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** True for the error Redis gives when the stream and its group are gone (restarted empty, flushed). */
  static boolean isGroupLost(Throwable failure) {
    return String.valueOf(failure.getMessage()).startsWith("NOGROUP");
  }

  /** Takes over up to {@code count} entries idle in the group for at least {@code idle}. */
  Future<List<Entry>> claimIdle(Duration idle, int count) {
    return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(consumer)
            .arg(idle.toMillis()).arg("0-0").arg("COUNT").arg(count))
        .map(response -> entries(response.get(1)))
        .onSuccess(entries -> entries.forEach(e ->
            LOG.info("worker={} took over entry={} whose lease expired", consumer, e.id())));
  }

  /** Reads up to {@code count} entries no consumer has had, waiting up to {@code block} for one to arrive. */
  Future<List<Entry>> readNew(int count, Duration block) {
    return readConnection()
        .compose(connection -> connection.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(kind.consumerGroup())
            .arg(consumer).arg("COUNT").arg(count).arg("BLOCK").arg(block.toMillis())
            .arg("STREAMS").arg(kind.streamKey()).arg(">")))
        .map(response -> response == null || response.type() != ResponseType.MULTI || response.size() == 0
            ? List.<Entry>of()
            : entries(response.get(0).get(1)));
  }

  private Future<RedisConnection> readConnection() {
    if (readConnection != null) {
      return Future.succeededFuture(readConnection);
    }
    readContext = io.vertx.core.Vertx.currentContext();
    return redis.connect().onSuccess(connection -> {
      readConnection = connection;
      connection.exceptionHandler(e -> {
        if (readContext != null) {
          readContext.runOnContext(v -> dropReadConnection());
        }
      });
    });
  }

  /** Closes the read connection: a read blocked on it ends, and the next read opens a new one. */
  void dropReadConnection() {
    RedisConnection connection = readConnection;
    readConnection = null;
    if (connection != null) {
      connection.close();
    }
  }

  /** Acknowledges the entry, together with others acknowledged meanwhile; a failure is only logged. */
  void acknowledge(String entryId) {
    acknowledgements.submit(entryId)
        .onFailure(e -> LOG.debug("worker={} entry={} not acknowledged (it comes back and is acknowledged then): {}",
            consumer, entryId, e.toString()));
  }

  private Future<List<Void>> acknowledgeAll(List<String> entryIds) {
    Request ack = Request.cmd(Command.XACK).arg(kind.streamKey()).arg(kind.consumerGroup());
    entryIds.forEach(ack::arg);
    return redis.send(ack).map(ignored -> Collections.nCopies(entryIds.size(), (Void) null));
  }

  /** Resets the entries' idle time, so that no other consumer takes them over while their jobs run here. */
  Future<Void> keepClaimed(List<String> entryIds) {
    Request claim = Request.cmd(Command.XCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(consumer).arg(0);
    entryIds.forEach(claim::arg);
    return redis.send(claim.arg("JUSTID")).mapEmpty();
  }

  /**
   * Gives entries back: each is added again (for any consumer to take now), then acknowledged here. Should this
   * fail, the entries stay pending and are taken over after the lease; a job delivered twice runs once.
   */
  Future<Void> handBack(List<Entry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> adds = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      Request add = Request.cmd(Command.XADD).arg(kind.streamKey()).arg("*");
      entry.fields().forEach((name, value) -> add.arg(name).arg(value));
      adds.add(add);
    }
    Request ack = Request.cmd(Command.XACK).arg(kind.streamKey()).arg(kind.consumerGroup());
    entries.forEach(e -> ack.arg(e.id()));
    return redis.batch(adds).compose(added -> redis.send(ack)).mapEmpty();
  }

  /** The entries of an XREADGROUP/XAUTOCLAIM answer, skipping entries whose data was trimmed away. */
  private static List<Entry> entries(Response entries) {
    List<Entry> out = new ArrayList<>();
    if (entries == null) {
      return out;
    }
    for (Response entry : entries) {
      if (entry == null || entry.size() < 2 || entry.get(1) == null) {
        continue;
      }
      Map<String, String> fields = new HashMap<>();
      Response flat = entry.get(1);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
      }
      out.add(new Entry(entry.get(0).toString(), fields));
    }
    return out;
  }
}
