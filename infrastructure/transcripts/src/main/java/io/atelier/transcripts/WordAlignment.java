package io.atelier.transcripts;

import java.util.ArrayList;
import java.util.List;

/**
 * Which words of an edited text are words of the original, in order: the longest common subsequence by Myers'
 * O((N+M)·D) algorithm, so a few edits in a long transcript cost little. Past {@link #MAX_EDITS} differences the
 * texts are taken as unrelated (nothing matches), which bounds time and memory whatever the edit.
 */
final class WordAlignment {

  static final int MAX_EDITS = 4000;

  private WordAlignment() {
  }

  /** For each edited word, the index of the original word it is, or -1 for a word the edit brought. */
  static int[] match(List<String> original, List<String> edited) {
    int n = original.size();
    int m = edited.size();
    int[] matches = new int[m];
    java.util.Arrays.fill(matches, -1);
    int max = Math.min(n + m, MAX_EDITS);
    int offset = max + 1;
    List<int[]> trace = new ArrayList<>();
    int[] v = new int[2 * max + 3];
    int found = -1;
    for (int d = 0; d <= max && found < 0; d++) {
      trace.add(v.clone());
      for (int k = -d; k <= d; k += 2) {
        int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
            : v[offset + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && original.get(x).equals(edited.get(y))) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          found = d;
          break;
        }
      }
    }
    if (found < 0) {
      return matches;
    }
    // Walk back through the saved frontiers, marking the diagonal moves (the matches).
    int x = n;
    int y = m;
    for (int d = found; d > 0; d--) {
      int[] previous = trace.get(d);
      int k = x - y;
      int previousK = (k == -d || (k != d && previous[offset + k - 1] < previous[offset + k + 1])) ? k + 1 : k - 1;
      int previousX = previous[offset + previousK];
      int previousY = previousX - previousK;
      while (x > previousX && y > previousY) {
        x--;
        y--;
        matches[y] = x;
      }
      x = previousX;
      y = previousY;
    }
    while (x > 0 && y > 0) {
      x--;
      y--;
      matches[y] = x;
    }
    return matches;
  }
}
