package dev.kindred.data;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Ids of one column as seen by one parser thread, numbered in order of first appearance in its
 * part of the file. Merging the parts in file order into one {@code IdIndex.Builder} then gives
 * exactly the first-appearance order of the whole file, whatever the thread count.
 *
 * <p>Numeric ids below {@value #MAX_DENSE} are looked up in a direct table (index + 1, 0 for
 * absent) while that table stays dense enough; other numbers go to a hash map, and ids that are
 * not canonical longs to a string map. An id lives in one place only: a number first stored in
 * the hash map is moved to the table when the table grows over it. Not thread-safe.
 */
final class LocalIds {

  static final int MAX_DENSE = 1 << 22;
  /** Tables up to this length are always allowed; beyond it they must be 1/16 full. */
  private static final int FREE_DENSE = 1 << 20;

  private int[] dense = new int[0];
  private Long2IntOpenHashMap sparse;
  private Object2IntOpenHashMap<String> strings;
  private long[] numeric = new long[256];
  private String[] names; // names[k] != null when local id k is a string
  private int size;

  int size() {
    return size;
  }

  /** True when local id {@code k} is a string id. */
  boolean isString(int k) {
    return names != null && names[k] != null;
  }

  long numericId(int k) {
    return numeric[k];
  }

  String stringId(int k) {
    return names[k];
  }

  /** Local index of a canonical long id, assigned on first sight. */
  int of(long id) {
    if (id >= 0 && id < dense.length) {
      int x = dense[(int) id];
      return x != 0 ? x - 1 : addDense((int) id);
    }
    if (id >= 0 && id < MAX_DENSE) {
      long len = Math.max(Math.max(1024, dense.length * 2L), Long.highestOneBit(id) << 1);
      if (len <= FREE_DENSE || len <= 16L * (size + 1)) {
        dense = Arrays.copyOf(dense, (int) Math.min(len, MAX_DENSE));
        return addDense((int) id);
      }
    }
    if (sparse == null) {
      sparse = new Long2IntOpenHashMap();
      sparse.defaultReturnValue(-1);
    }
    int x = sparse.putIfAbsent(id, size);
    return x != -1 ? x : append(id, null);
  }

  private int addDense(int id) {
    int x = sparse == null ? -1 : sparse.get(id);
    if (x == -1) {
      x = append(id, null);
    }
    dense[id] = x + 1;
    return x;
  }

  /** Local index of an id that is not a canonical long, assigned on first sight. */
  int of(String id) {
    if (strings == null) {
      strings = new Object2IntOpenHashMap<>();
      strings.defaultReturnValue(-1);
    }
    int x = strings.putIfAbsent(id, size);
    return x != -1 ? x : append(0, id);
  }

  /** Local index of an id given as UTF-8 bytes {@code [s, e)}: as a number when it spells a canonical long. */
  int ofUtf8(byte[] b, int s, int e) {
    long x = Ascii.canonicalLong(b, s, e);
    return x != Ascii.NOT_A_LONG ? of(x) : of(new String(b, s, e - s, StandardCharsets.UTF_8));
  }

  private int append(long id, String name) {
    if (size == numeric.length) {
      numeric = Arrays.copyOf(numeric, size * 2);
      if (names != null) {
        names = Arrays.copyOf(names, size * 2);
      }
    }
    if (name != null && names == null) {
      names = new String[numeric.length];
    }
    numeric[size] = id;
    if (names != null) {
      names[size] = name;
    }
    return size++;
  }
}
