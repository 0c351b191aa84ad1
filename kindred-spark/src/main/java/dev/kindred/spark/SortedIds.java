package dev.kindred.spark;

import dev.kindred.core.IdIndex;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;

/**
 * One column's distinct external ids in index order, small enough to broadcast: index {@code j}
 * is the {@code j}-th id in numeric order when every id is a canonical decimal long (as
 * kindred-core's {@link IdIndex} keeps them: "42", "-7", not "007" or "+1"), else in Unicode code
 * point order (the order of their UTF-8 bytes, Spark's string order). Lookups are binary searches,
 * {@code O(log n)}, with no hash map: {@code 8 n} bytes for numeric ids, the strings themselves
 * otherwise. Immutable and safe to share between threads.
 */
final class SortedIds implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Code point order: String.compareTo compares UTF-16 units, which differs above U+FFFF. */
  static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  };

  private final long[] longs; // non-null when numeric, sorted ascending
  private final String[] strings; // non-null otherwise, sorted by CODE_POINT_ORDER

  private SortedIds(long[] longs, String[] strings) {
    this.longs = longs;
    this.strings = strings;
  }

  /** Sorts {@code distinct} (which must hold each id once: {@link #toIdIndex} refuses a repeated one). */
  static SortedIds of(Collection<String> distinct, String column) {
    if (distinct.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(column + ": " + distinct.size() + " distinct ids exceed the int index range");
    }
    long[] longs = new long[distinct.size()];
    int n = 0;
    for (String id : distinct) {
      Long v = canonicalLong(id);
      if (v == null) {
        String[] strings = distinct.toArray(String[]::new);
        Arrays.sort(strings, CODE_POINT_ORDER);
        return new SortedIds(null, strings);
      }
      longs[n++] = v;
    }
    Arrays.sort(longs);
    return new SortedIds(longs, null);
  }

  private static Long canonicalLong(String id) {
    try {
      long v = Long.parseLong(id);
      return Long.toString(v).equals(id) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  int size() {
    return longs != null ? longs.length : strings.length;
  }

  /** The index of {@code id}, or -1 when it is not one of the ids. */
  int indexOf(String id) {
    if (longs != null) {
      Long v = canonicalLong(id);
      int at = v == null ? -1 : Arrays.binarySearch(longs, v);
      return Math.max(at, -1);
    }
    return Math.max(Arrays.binarySearch(strings, id, CODE_POINT_ORDER), -1);
  }

  IdIndex toIdIndex() {
    return longs != null ? IdIndex.ofLongs(longs) : IdIndex.ofStrings(Arrays.asList(strings));
  }
}
