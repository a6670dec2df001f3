package io.atelier.yjs;

import java.util.Comparator;

/**
 * V8's {@code Array.prototype.sort} (TimSort, {@code third_party/v8/builtins/array-sort.tq}), ported step by step.
 * Yjs's mergeUpdates sorts its readers with a comparator that is not consistent (a GC and an Item at the same id each
 * compare as smaller than the other), so the order it gets, and with it the bytes it writes, is whatever V8's exact
 * algorithm makes of that; Java's TimSort differs (minimum run 32, not 64) and would throw on the inconsistency.
 */
final class V8ArraySort<T> {

  private static final int MIN_GALLOP = 7;

  private final T[] a;
  private final Comparator<? super T> cmp;
  private Object[] temp = new Object[32];
  private final int[] runBase = new int[85];
  private final int[] runLength = new int[85];
  private int runs;
  private int minGallop = MIN_GALLOP;

  private V8ArraySort(T[] a, Comparator<? super T> cmp) {
    this.a = a;
    this.cmp = cmp;
  }

  static <T> void sort(T[] a, int length, Comparator<? super T> cmp) {
    if (length < 2) {
      return;
    }
    new V8ArraySort<>(a, cmp).timSort(length);
  }

  private void timSort(int length) {
    int remaining = length;
    int low = 0;
    int minRun = minRunLength(remaining);
    while (remaining != 0) {
      int run = countAndMakeRun(low, low + remaining);
      if (run < minRun) {
        int forced = Math.min(minRun, remaining);
        binaryInsertionSort(low, low + run, low + forced);
        run = forced;
      }
      runBase[runs] = low;
      runLength[runs] = run;
      runs++;
      mergeCollapse();
      low += run;
      remaining -= run;
    }
    mergeForceCollapse();
  }

  private static int minRunLength(int n) {
    int r = 0;
    while (n >= 64) {
      r |= n & 1;
      n >>= 1;
    }
    return n + r;
  }

  private int compare(Object x, Object y) {
    @SuppressWarnings("unchecked")
    int order = cmp.compare((T) x, (T) y);
    return order;
  }

  private void binaryInsertionSort(int low, int startArg, int high) {
    int start = low == startArg ? startArg + 1 : startArg;
    for (; start < high; start++) {
      int left = low;
      int right = start;
      T pivot = a[right];
      while (left < right) {
        int mid = left + ((right - left) >> 1);
        if (compare(pivot, a[mid]) < 0) {
          right = mid;
        } else {
          left = mid + 1;
        }
      }
      for (int p = start; p > left; p--) {
        a[p] = a[p - 1];
      }
      a[left] = pivot;
    }
  }

  private int countAndMakeRun(int lowArg, int high) {
    int low = lowArg + 1;
    if (low == high) {
      return 1;
    }
    int run = 2;
    boolean descending = compare(a[low], a[low - 1]) < 0;
    T previous = a[low];
    for (int idx = low + 1; idx < high; idx++) {
      T current = a[idx];
      int order = compare(current, previous);
      if (descending ? order >= 0 : order < 0) {
        break;
      }
      previous = current;
      run++;
    }
    if (descending) {
      for (int lo = lowArg, hi = lowArg + run - 1; lo < hi; lo++, hi--) {
        T t = a[lo];
        a[lo] = a[hi];
        a[hi] = t;
      }
    }
    return run;
  }

  private boolean invariantHolds(int n) {
    if (n < 2) {
      return true;
    }
    return runLength[n - 2] > runLength[n - 1] + runLength[n];
  }

  private void mergeCollapse() {
    while (runs > 1) {
      int n = runs - 2;
      if (!invariantHolds(n + 1) || !invariantHolds(n)) {
        if (runLength[n - 1] < runLength[n + 1]) {
          n--;
        }
        mergeAt(n);
      } else if (runLength[n] <= runLength[n + 1]) {
        mergeAt(n);
      } else {
        break;
      }
    }
  }

  private void mergeForceCollapse() {
    while (runs > 1) {
      int n = runs - 2;
      if (n > 0 && runLength[n - 1] < runLength[n + 1]) {
        n--;
      }
      mergeAt(n);
    }
  }

  private void mergeAt(int i) {
    int baseA = runBase[i];
    int lengthA = runLength[i];
    int baseB = runBase[i + 1];
    int lengthB = runLength[i + 1];
    runLength[i] = lengthA + lengthB;
    if (i == runs - 3) {
      runBase[i + 1] = runBase[i + 2];
      runLength[i + 1] = runLength[i + 2];
    }
    runs--;
    int k = gallopRight(a, a[baseB], baseA, lengthA, 0);
    baseA += k;
    lengthA -= k;
    if (lengthA == 0) {
      return;
    }
    lengthB = gallopLeft(a, a[baseA + lengthA - 1], baseB, lengthB, lengthB - 1);
    if (lengthB == 0) {
      return;
    }
    if (lengthA <= lengthB) {
      mergeLow(baseA, lengthA, baseB, lengthB);
    } else {
      mergeHigh(baseA, lengthA, baseB, lengthB);
    }
  }

  private int gallopLeft(Object[] array, Object key, int base, int length, int hint) {
    int lastOfs = 0;
    int offset = 1;
    if (compare(array[base + hint], key) < 0) {
      int maxOfs = length - hint;
      while (offset < maxOfs) {
        if (compare(array[base + hint + offset], key) >= 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      lastOfs += hint;
      offset += hint;
    } else {
      int maxOfs = hint + 1;
      while (offset < maxOfs) {
        if (compare(array[base + hint - offset], key) < 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      int tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    }
    lastOfs++;
    while (lastOfs < offset) {
      int m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(array[base + m], key) < 0) {
        lastOfs = m + 1;
      } else {
        offset = m;
      }
    }
    return offset;
  }

  private int gallopRight(Object[] array, Object key, int base, int length, int hint) {
    int lastOfs = 0;
    int offset = 1;
    if (compare(key, array[base + hint]) < 0) {
      int maxOfs = hint + 1;
      while (offset < maxOfs) {
        if (compare(key, array[base + hint - offset]) >= 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      int tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    } else {
      int maxOfs = length - hint;
      while (offset < maxOfs) {
        if (compare(key, array[base + hint + offset]) < 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      lastOfs += hint;
      offset += hint;
    }
    lastOfs++;
    while (lastOfs < offset) {
      int m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(key, array[base + m]) < 0) {
        offset = m;
      } else {
        lastOfs = m + 1;
      }
    }
    return offset;
  }

  private Object[] tempArray(int size) {
    if (temp.length < size) {
      temp = new Object[Math.max(32, size)];
    }
    return temp;
  }

  private void mergeLow(int baseA, int lengthAArg, int baseB, int lengthBArg) {
    int lengthA = lengthAArg;
    int lengthB = lengthBArg;
    Object[] t = tempArray(lengthA);
    System.arraycopy(a, baseA, t, 0, lengthA);
    int dest = baseA;
    int cursorTemp = 0;
    int cursorB = baseB;
    a[dest++] = a[cursorB++];
    if (--lengthB == 0) {
      succeedLow(t, cursorTemp, dest, lengthA);
      return;
    }
    if (lengthA == 1) {
      copyBLow(t, cursorTemp, cursorB, dest, lengthB);
      return;
    }
    while (true) {
      int winsA = 0;
      int winsB = 0;
      while (true) {
        if (compare(a[cursorB], t[cursorTemp]) < 0) {
          a[dest++] = a[cursorB++];
          winsB++;
          lengthB--;
          winsA = 0;
          if (lengthB == 0) {
            succeedLow(t, cursorTemp, dest, lengthA);
            return;
          }
          if (winsB >= minGallop) {
            break;
          }
        } else {
          a[dest++] = element(t[cursorTemp++]);
          winsA++;
          lengthA--;
          winsB = 0;
          if (lengthA == 1) {
            copyBLow(t, cursorTemp, cursorB, dest, lengthB);
            return;
          }
          if (winsA >= minGallop) {
            break;
          }
        }
      }
      minGallop++;
      boolean first = true;
      while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
        first = false;
        minGallop = Math.max(1, minGallop - 1);
        winsA = gallopRight(t, a[cursorB], cursorTemp, lengthA, 0);
        if (winsA > 0) {
          System.arraycopy(t, cursorTemp, a, dest, winsA);
          dest += winsA;
          cursorTemp += winsA;
          lengthA -= winsA;
          if (lengthA == 1) {
            copyBLow(t, cursorTemp, cursorB, dest, lengthB);
            return;
          }
          if (lengthA == 0) {
            succeedLow(t, cursorTemp, dest, lengthA);
            return;
          }
        }
        a[dest++] = a[cursorB++];
        if (--lengthB == 0) {
          succeedLow(t, cursorTemp, dest, lengthA);
          return;
        }
        winsB = gallopLeft(a, t[cursorTemp], cursorB, lengthB, 0);
        if (winsB > 0) {
          System.arraycopy(a, cursorB, a, dest, winsB);
          dest += winsB;
          cursorB += winsB;
          lengthB -= winsB;
          if (lengthB == 0) {
            succeedLow(t, cursorTemp, dest, lengthA);
            return;
          }
        }
        a[dest++] = element(t[cursorTemp++]);
        if (--lengthA == 1) {
          copyBLow(t, cursorTemp, cursorB, dest, lengthB);
          return;
        }
      }
      minGallop++;
    }
  }

  private void succeedLow(Object[] t, int cursorTemp, int dest, int lengthA) {
    if (lengthA > 0) {
      System.arraycopy(t, cursorTemp, a, dest, lengthA);
    }
  }

  private void copyBLow(Object[] t, int cursorTemp, int cursorB, int dest, int lengthB) {
    System.arraycopy(a, cursorB, a, dest, lengthB);
    a[dest + lengthB] = element(t[cursorTemp]);
  }

  private void mergeHigh(int baseA, int lengthAArg, int baseB, int lengthBArg) {
    int lengthA = lengthAArg;
    int lengthB = lengthBArg;
    Object[] t = tempArray(lengthB);
    System.arraycopy(a, baseB, t, 0, lengthB);
    int dest = baseB + lengthB - 1;
    int cursorTemp = lengthB - 1;
    int cursorA = baseA + lengthA - 1;
    a[dest--] = a[cursorA--];
    if (--lengthA == 0) {
      succeedHigh(t, dest, lengthB);
      return;
    }
    if (lengthB == 1) {
      copyAHigh(t, cursorTemp, cursorA, dest, lengthA);
      return;
    }
    while (true) {
      int winsA = 0;
      int winsB = 0;
      while (true) {
        if (compare(t[cursorTemp], a[cursorA]) < 0) {
          a[dest--] = a[cursorA--];
          winsA++;
          lengthA--;
          winsB = 0;
          if (lengthA == 0) {
            succeedHigh(t, dest, lengthB);
            return;
          }
          if (winsA >= minGallop) {
            break;
          }
        } else {
          a[dest--] = element(t[cursorTemp--]);
          winsB++;
          lengthB--;
          winsA = 0;
          if (lengthB == 1) {
            copyAHigh(t, cursorTemp, cursorA, dest, lengthA);
            return;
          }
          if (winsB >= minGallop) {
            break;
          }
        }
      }
      minGallop++;
      boolean first = true;
      while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
        first = false;
        minGallop = Math.max(1, minGallop - 1);
        int k = gallopRight(a, t[cursorTemp], baseA, lengthA, lengthA - 1);
        winsA = lengthA - k;
        if (winsA > 0) {
          dest -= winsA;
          cursorA -= winsA;
          System.arraycopy(a, cursorA + 1, a, dest + 1, winsA);
          lengthA -= winsA;
          if (lengthA == 0) {
            succeedHigh(t, dest, lengthB);
            return;
          }
        }
        a[dest--] = element(t[cursorTemp--]);
        if (--lengthB == 1) {
          copyAHigh(t, cursorTemp, cursorA, dest, lengthA);
          return;
        }
        k = gallopLeft(t, a[cursorA], 0, lengthB, lengthB - 1);
        winsB = lengthB - k;
        if (winsB > 0) {
          dest -= winsB;
          cursorTemp -= winsB;
          System.arraycopy(t, cursorTemp + 1, a, dest + 1, winsB);
          lengthB -= winsB;
          if (lengthB == 1) {
            copyAHigh(t, cursorTemp, cursorA, dest, lengthA);
            return;
          }
          if (lengthB == 0) {
            succeedHigh(t, dest, lengthB);
            return;
          }
        }
        a[dest--] = a[cursorA--];
        if (--lengthA == 0) {
          succeedHigh(t, dest, lengthB);
          return;
        }
      }
      minGallop++;
    }
  }

  private void succeedHigh(Object[] t, int dest, int lengthB) {
    if (lengthB > 0) {
      System.arraycopy(t, 0, a, dest - (lengthB - 1), lengthB);
    }
  }

  private void copyAHigh(Object[] t, int cursorTemp, int cursorA, int dest, int lengthA) {
    dest -= lengthA;
    cursorA -= lengthA;
    System.arraycopy(a, cursorA + 1, a, dest + 1, lengthA);
    a[dest] = element(t[cursorTemp]);
  }

  @SuppressWarnings("unchecked")
  private T element(Object o) {
    return (T) o;
  }
}
