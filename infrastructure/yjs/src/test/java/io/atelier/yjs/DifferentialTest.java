package io.atelier.yjs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java port against the real Yjs (npm {@code yjs}, pinned in src/test/js/package.json) on thousands of random
 * histories. {@code -Dyjs.histories=N -Dyjs.seed=S -Dyjs.maxOps=K} change how many, from which seed, how long.
 */
class DifferentialTest {

  private static NodeReference node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeReference.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void javaAgreesWithYjsByteForByteOnRandomHistories() throws Exception {
    int histories = Integer.getInteger("yjs.histories", 2000);
    long seed = Long.getLong("yjs.seed", 20240613L);
    int maxOps = Integer.getInteger("yjs.maxOps", 40);
    long started = System.nanoTime();
    List<String> failures = new ArrayList<>();
    long cases = 0;
    int yjsDiverges = 0;
    for (int i = 0; i < histories && failures.size() < 5; i++) {
      long s = seed + i;
      JsonObject history = node.request(new JsonObject().put("op", "history").put("seed", s).put("maxOps", maxOps));
      HistoryCases check = new HistoryCases(history);
      List<String> problems = check.check();
      cases += check.cases.size();
      if (problems.isEmpty()) {
        JsonObject verdict = node.request(new JsonObject().put("op", "verify").put("seed", s)
            .put("merged", HistoryCases.encode(check.mergedAll)).put("diffs", check.diffsOfMerged));
        if (!verdict.getBoolean("ok")) {
          problems.add(verdict.getString("problem"));
        } else if (verdict.getBoolean("yjsDiverges")) {
          yjsDiverges++;
        }
      }
      if (!problems.isEmpty()) {
        failures.add("history " + i + " (seed " + s + ", reproduce with -Dyjs.seed=" + s
            + " -Dyjs.histories=1 -Dyjs.maxOps=" + maxOps + "):\n  " + String.join("\n  ", problems));
      }
    }
    System.out.printf("yjs differential: %d histories from seed %d (maxOps %d), %d cases, %.1f s; in %d histories "
            + "Yjs's own merge or diff gave other content than applying the updates one by one%n", histories, seed,
        maxOps, cases, (System.nanoTime() - started) / 1e9, yjsDiverges);
    assertThat(failures).as("histories where Java and Yjs disagree").isEmpty();
  }

  /**
   * {@link YjsUpdates#adds} against what a {@code Y.Doc} does: a doc at each snapshot of a history applies each of its
   * updates (and a diff, the whole merge, itself and nothing) and either emits an update or not. Java must say "adds"
   * exactly when Yjs changes, except where Yjs keeps structs pending: those are kept too, as they must be.
   */
  @Test
  void addsIsTrueExactlyWhenAYjsDocChanges() throws Exception {
    int histories = Integer.getInteger("yjs.histories", 2000) / 4;
    long seed = Long.getLong("yjs.seed", 20240613L);
    YjsUpdates yjs = YjsUpdates.java();
    List<String> failures = new ArrayList<>();
    int cases = 0;
    int changes = 0;
    int pendingKept = 0;
    for (int i = 0; i < histories && failures.size() < 5; i++) {
      JsonObject answer = node.request(new JsonObject().put("op", "adds").put("seed", seed + i).put("maxOps", 30));
      for (Object item : answer.getJsonArray("cases")) {
        JsonObject c = (JsonObject) item;
        byte[] state = HistoryCases.decode(c.getString("state"));
        byte[] update = HistoryCases.decode(c.getString("update"));
        boolean adds = yjs.adds(state, update);
        boolean yjsChanges = c.getBoolean("changes");
        cases++;
        changes += yjsChanges ? 1 : 0;
        if (adds && !yjsChanges && c.getBoolean("pending")) {
          pendingKept++;
        } else if (adds != yjsChanges) {
          failures.add("seed " + (seed + i) + ": adds says " + adds + ", Yjs " + (yjsChanges ? "changes" : "does not")
              + "; state " + c.getString("state") + " update " + c.getString("update"));
        }
      }
    }
    System.out.printf("yjs adds: %d cases from %d histories, %d change the doc, %d kept that Yjs holds pending%n",
        cases, histories, changes, pendingKept);
    assertThat(failures).isEmpty();
  }

  /**
   * Damaged real updates: whatever Java accepts, Yjs must accept too and merge to the same bytes (Java may refuse more,
   * see MalformedUpdateException). Merged with an empty update so that Yjs really decodes and re-encodes.
   */
  @Test
  void damagedUpdatesJavaAcceptsAreAcceptedByYjsAndMergeToTheSameBytes() throws Exception {
    int rounds = Integer.getInteger("yjs.fuzz", 3000);
    Random random = new Random(Long.getLong("yjs.seed", 20240613L));
    List<byte[]> pool = new ArrayList<>();
    for (int i = 0; pool.size() < 200 && i < 100; i++) {
      pool.addAll(new HistoryCases(node.request(new JsonObject().put("op", "history").put("seed", 9000 + i)
          .put("maxOps", 12))).updates);
    }
    YjsUpdates yjs = YjsUpdates.java();
    List<String> failures = new ArrayList<>();
    int javaAccepted = 0;
    int onlyYjsAccepted = 0;
    for (int round = 0; round < rounds && failures.size() < 5; round++) {
      byte[] update = pool.get(random.nextInt(pool.size())).clone();
      for (int f = 1 + random.nextInt(2); f > 0 && update.length > 0; f--) {
        update[random.nextInt(update.length)] = (byte) random.nextInt(256);
      }
      byte[] merged = null;
      try {
        merged = yjs.merge(List.of(update, new byte[] {0, 0}));
        javaAccepted++;
      } catch (MalformedUpdateException refused) {
        // fine if Yjs refuses too, and allowed (stricter) if it does not
      }
      JsonObject answer = node.request(new JsonObject().put("op", "mergeOf").put("updates",
          new JsonArray().add(HistoryCases.encode(update)).add(HistoryCases.encode(new byte[2]))));
      String hex = HexFormat.of().formatHex(update);
      if (merged != null && answer.containsKey("refused")) {
        failures.add("Java accepted what Yjs refuses (" + answer.getString("refused") + "): " + hex);
      } else if (merged != null && !HistoryCases.encode(merged).equals(answer.getString("result"))) {
        failures.add("merge differs for " + hex + "\n  java " + HistoryCases.encode(merged) + "\n  yjs  "
            + answer.getString("result"));
      } else if (merged == null && answer.containsKey("result")) {
        onlyYjsAccepted++;
      }
    }
    System.out.printf("yjs damaged updates: %d rounds, Java accepted %d (all as Yjs), refused %d that Yjs accepts%n",
        rounds, javaAccepted, onlyYjsAccepted);
    assertThat(failures).isEmpty();
  }

  /** A 10 MB typing history (Yjs makes it): Java's results equal Yjs's, in well under a second each. */
  @Test
  void aTenMegabyteDocumentMergesAndDiffsInWellUnderASecond() throws Exception {
    int megabytes = Integer.getInteger("yjs.largeMegabytes", 10);
    JsonObject doc = node.request(new JsonObject().put("op", "largeDocument").put("seed", 5).put("megabytes", megabytes));
    byte[] first = HistoryCases.decode(doc.getString("first"));
    byte[] rest = HistoryCases.decode(doc.getString("rest"));
    byte[] full = HistoryCases.decode(doc.getString("full"));
    byte[] halfSv = HistoryCases.decode(doc.getString("halfSv"));
    YjsUpdates yjs = YjsUpdates.java();
    long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    byte[] merged = null;
    byte[] diff = null;
    byte[] sv = null;
    String text = null;
    for (int round = 0; round < 5; round++) { // the first rounds warm the JIT up
      long t0 = System.nanoTime();
      merged = yjs.merge(List.of(first, rest));
      long t1 = System.nanoTime();
      diff = yjs.diff(full, halfSv);
      long t2 = System.nanoTime();
      sv = yjs.stateVector(full);
      long t3 = System.nanoTime();
      text = yjs.text(full, "text");
      long t4 = System.nanoTime();
      yjs.validate(full);
      long t5 = System.nanoTime();
      long[] took = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4};
      for (int k = 0; k < 5; k++) {
        best[k] = Math.min(best[k], took[k]);
      }
    }
    System.out.printf("yjs %.1f MB document (%d bytes): merge %d ms, diff %d ms, stateVector %d ms, text %d ms, "
            + "validate %d ms (best of 5); Yjs in Node: merge %.0f ms, diff %.0f ms%n", full.length / 1048576.0,
        full.length, best[0] / 1_000_000, best[1] / 1_000_000, best[2] / 1_000_000, best[3] / 1_000_000,
        best[4] / 1_000_000, doc.getDouble("mergeMs"), doc.getDouble("diffMs"));
    assertThat(HistoryCases.encode(merged)).isEqualTo(doc.getString("merged"));
    assertThat(HistoryCases.encode(diff)).isEqualTo(doc.getString("diff"));
    assertThat(HistoryCases.encode(sv)).isEqualTo(doc.getString("sv"));
    assertThat(text).isEqualTo(doc.getString("text"));
    assertThat(best[0] / 1_000_000).as("merge ms").isLessThan(1000);
    assertThat(best[1] / 1_000_000).as("diff ms").isLessThan(1000);
  }
}
