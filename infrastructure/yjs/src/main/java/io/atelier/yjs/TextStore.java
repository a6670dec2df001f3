package io.atelier.yjs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The struct store of the document {@link TextReader} simulates: per client the structs of the update, the first ones
 * integrated; lookups by id ({@code getItem}) and the splits Yjs makes on lookup ({@code getItemCleanStart},
 * {@code getItemCleanEnd}, {@code splitItem}). A split struct keeps its pieces in a small sorted list, so a split does
 * not shift the whole client's array as Yjs's {@code structs.splice} does.
 */
final class TextStore {

  /** A struct in the simulated store; pieces of a split struct are nodes too. */
  static final class Node {
    final Struct decoded;
    final long client;
    long clock;
    long length;
    boolean gc;
    long originClient;
    long originClock;
    long rightOriginClient;
    long rightOriginClock;
    /** Root name (String), parent type's node, {@link #NOT_A_TYPE}, or null (GC). */
    Object parent;
    String parentSub;
    /** The string of a ContentString piece once it has been split (before that it is read from {@code decoded}). */
    String str;
    boolean inTargetList;
    Node left;
    Node right;
    /** Of the node a decoded struct became: its pieces in clock order once it has been split. */
    ArrayList<Node> pieces;

    Node(Struct s) {
      decoded = s;
      client = s.client;
      clock = s.clock;
      length = s.length;
      originClient = s.originClient;
      originClock = s.originClock;
      rightOriginClient = s.rightOriginClient;
      rightOriginClock = s.rightOriginClock;
    }

    Node(Node left, long diff) {
      decoded = left.decoded;
      client = left.client;
      clock = left.clock + diff;
      length = left.length - diff;
      gc = left.gc;
      originClient = client;
      originClock = clock - 1;
      rightOriginClient = left.rightOriginClient;
      rightOriginClock = left.rightOriginClock;
      parent = left.parent;
      parentSub = left.parentSub;
      inTargetList = left.inTargetList;
    }

    boolean isString() {
      return decoded.kind == Struct.ITEM && decoded.contentRef == Struct.CONTENT_STRING;
    }

    String string() {
      if (str == null) {
        str = new String(decoded.content, decoded.contentStart, decoded.contentEnd - decoded.contentStart,
            StandardCharsets.UTF_8);
      }
      return str;
    }
  }

  /** One client's structs of the update ({@code {i, refs}} in Yjs); the first {@code integrated} form its store. */
  static final class ClientRefs {
    final Node[] refs;
    int i;
    int integrated;
    boolean cleared;

    ClientRefs(Node[] refs) {
      this.refs = refs;
    }

    long state() {
      if (integrated == 0) {
        return 0;
      }
      Node last = refs[integrated - 1];
      return last.decoded.clock + last.decoded.length;
    }
  }

  final Map<Long, ClientRefs> clients = new HashMap<>();

  long state(long client) {
    ClientRefs refs = clients.get(client);
    return refs == null ? 0 : refs.state();
  }

  /** {@code getItem}: the integrated struct (piece) holding the clock. */
  Node find(long client, long clock) {
    ClientRefs refs = clients.get(client);
    if (refs == null || refs.integrated == 0) {
      throw new MalformedUpdateException("an item refers to client " + client + ", clock " + clock + ", which is "
          + "not there");
    }
    int lo = 0;
    int hi = refs.integrated - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Struct s = refs.refs[mid].decoded;
      if (s.clock <= clock) {
        if (clock < s.clock + s.length) {
          return piece(refs.refs[mid], clock);
        }
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    throw new MalformedUpdateException("an item refers to client " + client + ", clock " + clock + ", which is not "
        + "there");
  }

  private static Node piece(Node original, long clock) {
    if (original.pieces == null) {
      return original;
    }
    List<Node> pieces = original.pieces;
    int lo = 0;
    int hi = pieces.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (pieces.get(mid).clock <= clock) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return pieces.get(lo);
  }

  /** {@code getItemCleanEnd}: the struct ending at the clock, split off the rest if needed (GCs are not split). */
  Node cleanEnd(long client, long clock) {
    Node n = find(client, clock);
    if (clock != n.clock + n.length - 1 && !n.gc) {
      split(n, clock - n.clock + 1);
    }
    return n;
  }

  /** {@code getItemCleanStart}: the struct starting at the clock, split off its start if needed. */
  Node cleanStart(long client, long clock) {
    Node n = find(client, clock);
    if (n.clock < clock && !n.gc) {
      return split(n, clock - n.clock);
    }
    return n;
  }

  /** {@code splitItem}; a ContentString split inside a surrogate pair turns both halves into U+FFFD. */
  private Node split(Node left, long diff) {
    Node right = new Node(left, diff);
    if (left.isString()) {
      String s = left.string();
      int at = (int) diff;
      String l = s.substring(0, at);
      String r = s.substring(at);
      if (Character.isHighSurrogate(l.charAt(at - 1))) {
        l = l.substring(0, at - 1) + '\uFFFD';
        r = '\uFFFD' + r.substring(1);
      }
      left.str = l;
      right.str = r;
    }
    left.length = diff;
    if (left.inTargetList) {
      right.left = left;
      right.right = left.right;
      left.right = right;
      if (right.right != null) {
        right.right.left = right;
      }
    }
    Node original = originalOf(left);
    if (original.pieces == null) {
      original.pieces = new ArrayList<>(List.of(original));
    }
    int index = original.pieces.indexOf(left);
    original.pieces.add(index + 1, right);
    return right;
  }

  private Node originalOf(Node piece) {
    ClientRefs refs = clients.get(piece.client);
    int lo = 0;
    int hi = refs.integrated - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Struct s = refs.refs[mid].decoded;
      if (s.clock <= piece.clock && piece.clock < s.clock + s.length) {
        return refs.refs[mid];
      }
      if (s.clock > piece.clock) {
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    throw new IllegalStateException("split piece outside its struct");
  }

}
