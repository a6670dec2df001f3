package io.atelier.yjs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Runs the Java port on the cases of one history (made by {@code src/test/js/histories.mjs}) and compares with the
 * answers Yjs gave. Shared by the differential test (answers fresh from Node) and the corpus test (answers on disk).
 */
final class HistoryCases {

  private final YjsUpdates yjs = YjsUpdates.java();
  final List<byte[]> updates = new ArrayList<>();
  final List<byte[]> stateVectors = new ArrayList<>();
  final JsonArray cases;
  byte[] mergedAll;
  /** Java's diffs of the merged update against each snapshot: what Node applies to check they converge. */
  final JsonArray diffsOfMerged = new JsonArray();

  HistoryCases(JsonObject history) {
    for (Object u : history.getJsonArray("updates")) {
      updates.add(decode((String) u));
    }
    for (Object s : history.getJsonArray("snapshots")) {
      stateVectors.add(decode(((JsonObject) s).getString("sv")));
    }
    cases = history.getJsonArray("cases");
  }

  static byte[] decode(String base64) {
    return Base64.getDecoder().decode(base64);
  }

  static String encode(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Checks every case; returns one line per mismatch (empty when Java agrees with Yjs everywhere). */
  List<String> check() {
    List<String> problems = new ArrayList<>();
    for (byte[] u : updates) {
      try {
        yjs.validate(u);
      } catch (RuntimeException e) {
        problems.add("validate refused an update Yjs made: " + e);
      }
    }
    mergedAll = yjs.merge(updates);
    for (int i = 0; i < cases.size(); i++) {
      JsonObject c = cases.getJsonObject(i);
      try {
        String problem = checkCase(c);
        if (problem != null) {
          problems.add("case " + i + " " + c.getString("op") + ": " + problem);
        }
      } catch (RuntimeException e) {
        problems.add("case " + i + " " + c.getString("op") + " threw " + e);
      }
    }
    return problems;
  }

  private byte[] update(int index) {
    return index < 0 ? mergedAll : updates.get(index);
  }

  private String checkCase(JsonObject c) {
    switch (c.getString("op")) {
      case "merge": {
        List<byte[]> inputs = new ArrayList<>();
        for (Object i : c.getJsonArray("inputs")) {
          inputs.add(updates.get((Integer) i));
        }
        return compare(yjs.merge(inputs), c.getString("result"), "inputs " + c.getJsonArray("inputs"));
      }
      case "diff": {
        int sv = c.getInteger("sv");
        byte[] got = yjs.diff(update(c.getInteger("update")), stateVectors.get(sv));
        if (c.getInteger("update") < 0) {
          diffsOfMerged.add(new JsonObject().put("sv", sv).put("result", encode(got)));
        }
        return compare(got, c.getString("result"), "update " + c.getInteger("update") + " against snapshot " + sv);
      }
      case "stateVector":
        return compare(yjs.stateVector(update(c.getInteger("update"))), c.getString("result"),
            "update " + c.getInteger("update"));
      case "text": {
        String got = yjs.text(update(c.getInteger("update")), c.getString("name"));
        String want = c.getString("result");
        return got.equals(want) ? null
            : "update " + c.getInteger("update") + " root " + c.getString("name") + ": " + quote(got)
                + " instead of " + quote(want);
      }
      case "insertText":
        return compare(yjs.insertText(c.getLong("clientId"), c.getString("name"), c.getString("text")),
            c.getString("result"), "client " + c.getLong("clientId") + " text " + quote(c.getString("text")));
      default:
        return "unknown case";
    }
  }

  private static String compare(byte[] got, String wantBase64, String what) {
    byte[] want = decode(wantBase64);
    if (Arrays.equals(got, want)) {
      return null;
    }
    int at = Arrays.mismatch(got, want);
    return what + ": bytes differ from byte " + at + " (Java " + got.length + " bytes, Yjs " + want.length
        + "):\n  java " + encode(got) + "\n  yjs  " + wantBase64;
  }

  private static String quote(String s) {
    return new JsonArray().add(s).encode();
  }
}
