package io.atelier.yjs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code Y.applyUpdate(new Y.Doc(), update); doc.getText(name).toString()} without a document: Yjs's
 * {@code integrateStructs} decides which structs integrate (in its order, with its stack of missing dependencies;
 * structs that wait on something absent stay pending and out of the text), {@code Item.integrate} (YATA) places the
 * items of root {@code name} in their list, and the delete set is applied last.
 *
 * <p>Only the target list is kept as a linked list; every other struct is tracked just enough to answer what
 * integration asks of it (is it there, is it a GC, what is its parent). Deletions are not applied by splitting items
 * as Yjs does but looked up per item when the string is built; where Yjs's split would cut a surrogate pair between a
 * kept and a deleted half, the kept half becomes U+FFFD as in {@code ContentString.splice}.
 */
final class TextReader {

  /** An integrated parent that is not a type (Yjs reads {@code .type} of it as undefined): the item becomes a GC. */
  static final Object NOT_A_TYPE = new Object();

  private final String name;
  private final TextStore store = new TextStore();
  private final Map<Long, TextStore.ClientRefs> clients = store.clients;
  private TextStore.Node start;

  private TextReader(String name) {
    this.name = name;
  }

  static String text(byte[] update, String name) {
    TextReader reader = new TextReader(name);
    List<TextStore.Node> section = new ArrayList<>();
    long[] sectionClient = {-1};
    // readClientsStructRefs: a later section for the same client replaces an earlier one, even an empty one.
    LazyStructReader structs = new LazyStructReader(new Lib0Decoder(update), false, (client, clock, count) -> {
      reader.flushSection(sectionClient[0], section);
      sectionClient[0] = client;
      reader.clients.put(client, new TextStore.ClientRefs(new TextStore.Node[0]));
    });
    for (Struct s = structs.curr; s != null; s = structs.next()) {
      section.add(new TextStore.Node(s));
    }
    reader.flushSection(sectionClient[0], section);
    DeleteSet ds = DeleteSet.read(structs.decoder);
    ds.sortAndMerge();
    reader.integrateStructs();
    return reader.toString(ds);
  }

  private void flushSection(long client, List<TextStore.Node> section) {
    if (!section.isEmpty()) {
      clients.put(client, new TextStore.ClientRefs(section.toArray(new TextStore.Node[0])));
      section.clear();
    }
  }

  /** {@code integrateStructs}, step for step; what would stay pending is simply never integrated. */
  private void integrateStructs() {
    long[] ids = clients.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    int idsLeft = ids.length;
    Set<Long> removed = new HashSet<>();
    ArrayDeque<TextStore.Node> stack = new ArrayDeque<>();
    TextStore.ClientRefs cur = null;
    // getNextStructTarget: the highest client id that still has structs
    while (idsLeft > 0) {
      TextStore.ClientRefs c = removed.contains(ids[idsLeft - 1]) ? null : clients.get(ids[idsLeft - 1]);
      if (c != null && c.i < c.refs.length) {
        cur = c;
        break;
      }
      idsLeft--;
    }
    if (cur == null) {
      return;
    }
    TextStore.Node head = cur.refs[cur.i++];
    while (true) {
      if (head.decoded.kind != Struct.SKIP) {
        TextStore.ClientRefs own = clients.get(head.client);
        long offset = own.state() - head.clock;
        if (offset < 0) {
          stack.push(head);
          leaveStackPending(stack, removed);
        } else {
          long missing = missing(head);
          if (missing >= 0) {
            stack.push(head);
            TextStore.ClientRefs refs = removed.contains(missing) ? null : clients.get(missing);
            if (refs == null || refs.cleared || refs.i == refs.refs.length) {
              leaveStackPending(stack, removed);
            } else {
              head = refs.refs[refs.i++];
              continue;
            }
          } else if (offset == 0 || offset < head.length) {
            integrate(head, offset, own);
          }
        }
      }
      if (!stack.isEmpty()) {
        head = stack.pop();
      } else if (cur != null && !cur.cleared && cur.i < cur.refs.length) {
        head = cur.refs[cur.i++];
      } else {
        cur = null;
        while (idsLeft > 0) {
          long id = ids[idsLeft - 1];
          TextStore.ClientRefs c = removed.contains(id) ? null : clients.get(id);
          if (c != null && !c.cleared && c.i < c.refs.length) {
            cur = c;
            break;
          }
          idsLeft--;
        }
        if (cur == null) {
          return;
        }
        head = cur.refs[cur.i++];
      }
    }
  }

  /** {@code addStackToRestSS}: the stacked structs' clients stop integrating (the rest goes to pending in Yjs). */
  private void leaveStackPending(ArrayDeque<TextStore.Node> stack, Set<Long> removed) {
    for (TextStore.Node n : stack) {
      TextStore.ClientRefs refs = clients.get(n.client);
      if (refs != null) {
        refs.cleared = true;
      }
      removed.add(n.client);
    }
    stack.clear();
  }

  /** {@code Item.getMissing}: a client whose structs are needed first, or -1 after resolving left, right, parent. */
  private long missing(TextStore.Node n) {
    Struct s = n.decoded;
    if (s.kind != Struct.ITEM) {
      return -1;
    }
    if (n.originClient >= 0 && n.originClient != n.client && n.originClock >= store.state(n.originClient)) {
      return n.originClient;
    }
    if (n.rightOriginClient >= 0 && n.rightOriginClient != n.client
        && n.rightOriginClock >= store.state(n.rightOriginClient)) {
      return n.rightOriginClient;
    }
    boolean parentIsId = s.parentClient >= 0 && s.parentKeyStart < 0 && !s.hasOrigin() && !s.hasRightOrigin();
    if (parentIsId && n.client != s.parentClient && s.parentClock >= store.state(s.parentClient)) {
      return s.parentClient;
    }
    TextStore.Node left = n.originClient >= 0 ? store.cleanEnd(n.originClient, n.originClock) : null;
    TextStore.Node right = n.rightOriginClient >= 0 ? store.cleanStart(n.rightOriginClient, n.rightOriginClock) : null;
    n.left = left;
    n.right = right;
    if ((left != null && left.gc) || (right != null && right.gc)) {
      n.parent = null;
    } else if (s.hasOrigin() || s.hasRightOrigin()) {
      TextStore.Node from = left != null ? left : right;
      n.parent = from.parent;
      n.parentSub = from.parentSub;
    } else if (parentIsId) {
      TextStore.Node parentItem = store.find(s.parentClient, s.parentClock);
      n.parent = parentItem.gc ? null : parentItem.decoded.contentRef == Struct.CONTENT_TYPE ? parentItem : NOT_A_TYPE;
      n.parentSub = parentSub(s);
    } else {
      n.parent = new String(s.names, s.parentKeyStart, s.parentKeyLength, StandardCharsets.UTF_8);
      n.parentSub = parentSub(s);
    }
    return -1;
  }

  private static String parentSub(Struct s) {
    return s.hasParentSub() ? new String(s.names, s.parentSubStart, s.parentSubLength, StandardCharsets.UTF_8) : null;
  }

  private void integrate(TextStore.Node n, long offset, TextStore.ClientRefs own) {
    if (offset > 0) {
      // Overlapping sections of one client; Yjs writes none, but integrates the unknown tail if given one.
      throw new MalformedUpdateException("client " + n.client + " has overlapping structs at clock " + n.clock);
    }
    boolean isItem = n.decoded.kind == Struct.ITEM;
    if (!isItem || n.parent == null || n.parent == NOT_A_TYPE) {
      n.gc = true;
    } else if (n.parentSub == null && name.equals(n.parent)) {
      n.inTargetList = true;
      placeInTargetList(n);
    }
    own.integrated++;
  }

  /** The list part of {@code Item.integrate}: YATA's conflict resolution, then linking in. */
  private void placeInTargetList(TextStore.Node n) {
    if ((n.left == null && (n.right == null || n.right.left != null)) || (n.left != null && n.left.right != n.right)) {
      TextStore.Node left = n.left;
      TextStore.Node o = left != null ? left.right : start;
      Set<TextStore.Node> conflicting = new HashSet<>();
      Set<TextStore.Node> beforeOrigin = new HashSet<>();
      while (o != null && o != n.right) {
        beforeOrigin.add(o);
        conflicting.add(o);
        if (sameId(n.originClient, n.originClock, o.originClient, o.originClock)) {
          if (o.client < n.client) {
            left = o;
            conflicting.clear();
          } else if (sameId(n.rightOriginClient, n.rightOriginClock, o.rightOriginClient, o.rightOriginClock)) {
            break;
          }
        } else if (o.originClient >= 0 && beforeOrigin.contains(store.find(o.originClient, o.originClock))) {
          if (!conflicting.contains(store.find(o.originClient, o.originClock))) {
            left = o;
            conflicting.clear();
          }
        } else {
          break;
        }
        o = o.right;
      }
      n.left = left;
    }
    if (n.left != null) {
      n.right = n.left.right;
      n.left.right = n;
    } else {
      n.right = start;
      start = n;
    }
    if (n.right != null) {
      n.right.left = n;
    }
  }

  private static boolean sameId(long c1, long k1, long c2, long k2) {
    return c1 == c2 && (c1 < 0 || k1 == k2);
  }

  /** {@code YText.toString} after the delete set: the strings of the list's undeleted ContentString items. */
  private String toString(DeleteSet ds) {
    StringBuilder out = new StringBuilder();
    for (TextStore.Node n = start; n != null; n = n.right) {
      if (!n.isString() || n.length == 0) {
        continue;
      }
      DeleteSet.Ranges ranges = ds.clients.get(n.client);
      String s = n.string();
      if (ranges == null) {
        out.append(s);
        continue;
      }
      appendUndeleted(out, s, n.clock, ranges);
    }
    return out.toString();
  }

  /** Appends the characters of {@code s} (clock {@code clock} on) outside the deleted ranges. */
  private static void appendUndeleted(StringBuilder out, String s, long clock, DeleteSet.Ranges ranges) {
    int len = s.length();
    boolean[] deleted = null;
    int r = DeleteSet.findRange(ranges, clock);
    int k = r >= 0 ? r : -r - 1;
    for (; k < ranges.size && ranges.clocks[k] < clock + len; k++) {
      if (deleted == null) {
        deleted = new boolean[len];
      }
      int from = (int) Math.max(0, ranges.clocks[k] - clock);
      int to = (int) Math.min(len, ranges.clocks[k] + ranges.lengths[k] - clock);
      Arrays.fill(deleted, from, Math.max(from, to), true);
    }
    if (deleted == null) {
      out.append(s);
      return;
    }
    for (int i = 0; i < len; i++) {
      if (deleted[i]) {
        continue;
      }
      char c = s.charAt(i);
      // Yjs split the item where a deletion starts or ends; a pair cut there leaves U+FFFD on the kept side.
      boolean cutAfter = i + 1 < len && deleted[i + 1] && Character.isHighSurrogate(c);
      boolean cutBefore = i > 0 && deleted[i - 1] && Character.isHighSurrogate(s.charAt(i - 1));
      out.append(cutAfter || cutBefore ? '\uFFFD' : c);
    }
  }
}
