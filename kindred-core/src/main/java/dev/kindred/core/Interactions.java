package dev.kindred.core;

import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Objects;

/**
 * User-item interactions held twice, by user (CSR) and by item (CSC), with a float value per pair
 * (a rating, or a count / 1 for implicit data) and an optional timestamp. Immutable; safe to share
 * between threads.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>{@code userPtr} has {@code numUsers + 1} entries, non-decreasing from 0 to {@code nnz};
 *       user {@code u}'s items are {@code itemIdx[userPtr[u] .. userPtr[u+1])}, strictly
 *       increasing (no duplicate pairs).
 *   <li>{@code values} (and {@code timestamps} when present) run parallel to {@code itemIdx}.
 *   <li>The CSC view ({@code itemPtr}, {@code userIdx}, {@code itemValues}) holds the same pairs
 *       by item, users increasing within an item; it is derived in the constructor.
 *   <li>Every index is in range: users {@code < numUsers}, items {@code < numItems}.
 *   <li>The {@link IdIndex} of users has at least {@code numUsers} entries, of items at least
 *       {@code numItems}; train and test sets cut from one data set share the same two indices.
 * </ol>
 * Counts are {@code int}: up to 2^31 - 1 interactions per instance; larger data sets will be
 * streamed or sharded rather than held as one structure.
 */
public final class Interactions {

  private final IdIndex users;
  private final IdIndex items;
  private final int numUsers;
  private final int numItems;
  private final int[] userPtr;
  private final int[] itemIdx;
  private final float[] values;
  private final long[] timestamps; // null when absent
  private final int[] itemPtr;
  private final int[] userIdx;
  private final float[] itemValues;
  private final int[] cscToCsr; // position in the CSR arrays of each CSC entry

  /** Builds from CSR arrays, which are taken without copying; see the class invariants. */
  public Interactions(IdIndex users, IdIndex items, int numUsers, int numItems,
      int[] userPtr, int[] itemIdx, float[] values, long[] timestamps) {
    this(users, items, numUsers, numItems, userPtr, itemIdx, values, timestamps, null);
  }

  /**
   * As {@link #Interactions(IdIndex, IdIndex, int, int, int[], int[], float[], long[])}, with the
   * checks and the CSC view computed by {@code workers} (null: on the caller). The result is the
   * same for every thread count: users are cut into contiguous blocks of about equal pairs, each
   * block counts its items, and each block scatters its pairs into its own sub-range of every
   * item's segment, so users stay increasing within an item. Extra memory: one int per item per
   * block.
   */
  public Interactions(IdIndex users, IdIndex items, int numUsers, int numItems,
      int[] userPtr, int[] itemIdx, float[] values, long[] timestamps, WorkerPool workers) {
    this.users = Objects.requireNonNull(users, "users");
    this.items = Objects.requireNonNull(items, "items");
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.userPtr = userPtr;
    this.itemIdx = itemIdx;
    this.values = values;
    this.timestamps = timestamps;
    checkShape();
    int nnz = itemIdx.length;
    int blocks = workers == null ? 1 : Math.max(1, Math.min(workers.threads(), numUsers));
    int[] blockStart = balancedBlocks(userPtr, numUsers, blocks);
    int[][] next = new int[blocks][];
    forEachBlock(workers, blocks, b -> next[b] = checkRowsAndCountItems(blockStart[b], blockStart[b + 1]));
    itemPtr = segmentStarts(next, numItems);
    userIdx = new int[nnz];
    itemValues = new float[nnz];
    cscToCsr = new int[nnz];
    // Item tiles of about equal pairs keep each pass's writes within a part of the CSC arrays (a
    // scatter over all items at once misses the cache and the TLB on nearly every write). Each
    // user's row is sorted, so a cursor per user walks it once across all tiles; the walk over the
    // users costs one step per user per tile, so tiles are capped at an eighth of the mean degree
    // (docs/benchmarks.md, "Reading Parquet vs TSV after the columnar Parquet path").
    int tiles = (int) Math.max(1, Math.min(nnz / TILE_PAIRS, nnz / (8L * Math.max(1, numUsers))));
    int[] tileStart = balancedBlocks(itemPtr, numItems, tiles);
    forEachBlock(workers, blocks, b -> {
      int[] fill = next[b];
      int from = blockStart[b];
      int[] cursor = Arrays.copyOfRange(userPtr, from, blockStart[b + 1]);
      for (int t = 0; t < tiles; t++) {
        int tileEnd = tileStart[t + 1];
        for (int u = from; u < blockStart[b + 1]; u++) {
          int j = cursor[u - from];
          int end = userPtr[u + 1];
          for (int it; j < end && (it = itemIdx[j]) < tileEnd; j++) {
            int pos = fill[it]++;
            userIdx[pos] = u;
            itemValues[pos] = values[j];
            cscToCsr[pos] = j;
          }
          cursor[u - from] = j;
        }
      }
      next[b] = null;
    });
  }

  /** Least pairs per item tile while building the CSC view (12 bytes of writes each). */
  private static final int TILE_PAIRS = 1 << 20;

  private static void forEachBlock(WorkerPool workers, int blocks, java.util.function.IntConsumer body) {
    if (workers == null) {
      for (int b = 0; b < blocks; b++) {
        body.accept(b);
      }
    } else {
      workers.compute(blocks, body);
    }
  }

  /**
   * Cuts the {@code n} segments of a pointer array ({@code ptr[0..n]}, non-decreasing) into
   * {@code blocks} contiguous blocks of about equal entries; returns the {@code blocks + 1}
   * boundaries (segment numbers). Used to share CSR work out among threads.
   */
  public static int[] balancedBlocks(int[] ptr, int n, int blocks) {
    int[] start = new int[blocks + 1];
    long total = ptr[n];
    int s = 0;
    for (int b = 1; b < blocks; b++) {
      long target = total * b / blocks;
      while (s < n && ptr[s] < target) {
        s++;
      }
      start[b] = s;
    }
    start[blocks] = n;
    return start;
  }

  /**
   * The pointer array ({@code n + 1} entries) of segments whose entries were counted by several
   * blocks, {@code counts[b][i]} entries of segment {@code i} from block {@code b}; each count
   * becomes block {@code b}'s first position in segment {@code i}, blocks in order. A scatter in
   * which every block writes its entries in order from these positions is stable.
   */
  public static int[] segmentStarts(int[][] counts, int n) {
    int[] ptr = new int[n + 1];
    for (int i = 0; i < n; i++) {
      int run = ptr[i];
      for (int[] count : counts) {
        int c = count[i];
        count[i] = run;
        run += c;
      }
      ptr[i + 1] = run;
    }
    return ptr;
  }

  private void checkShape() {
    if (numUsers < 0 || numItems < 0) {
      throw new IllegalArgumentException("negative dimensions " + numUsers + " x " + numItems);
    }
    if (users.size() < numUsers || items.size() < numItems) {
      throw new IllegalArgumentException("id indices smaller than dimensions: users " + users.size() + " < " + numUsers
          + " or items " + items.size() + " < " + numItems);
    }
    if (userPtr.length != numUsers + 1 || userPtr[0] != 0 || userPtr[numUsers] != itemIdx.length) {
      throw new IllegalArgumentException("userPtr must have numUsers+1 entries from 0 to nnz");
    }
    if (values.length != itemIdx.length || (timestamps != null && timestamps.length != itemIdx.length)) {
      throw new IllegalArgumentException("values/timestamps must be parallel to itemIdx");
    }
    // All pointers first: a pointer past nnz followed by a decrease must not index itemIdx.
    for (int u = 0; u < numUsers; u++) {
      if (userPtr[u + 1] < userPtr[u]) {
        throw new IllegalArgumentException("userPtr decreases at user " + u);
      }
    }
  }

  /** Checks the rows of users {@code [from, to)} (items increasing, in range) and counts their items. */
  private int[] checkRowsAndCountItems(int from, int to) {
    int[] count = new int[numItems];
    for (int u = from; u < to; u++) {
      int prev = -1;
      for (int j = userPtr[u]; j < userPtr[u + 1]; j++) {
        int it = itemIdx[j];
        if (it <= prev || it >= numItems) {
          throw new IllegalArgumentException("user " + u + ": item indices must be increasing and < " + numItems
              + ", got " + it + " after " + prev);
        }
        count[it]++;
        prev = it;
      }
    }
    return count;
  }

  /**
   * Builds from unordered (user, item, value, timestamp) rows, resolving repeated pairs by
   * {@code policy}. The input arrays are not modified. {@code timestamps} may be null.
   */
  public static Interactions fromCoo(IdIndex users, IdIndex items, int numUsers, int numItems,
      int[] u, int[] i, float[] v, long[] timestamps, int n, DuplicatePolicy policy) {
    int[] ptr = new int[numUsers + 1];
    for (int r = 0; r < n; r++) {
      int uu = u[r];
      if (uu < 0 || uu >= numUsers || i[r] < 0 || i[r] >= numItems) {
        throw new IllegalArgumentException("row " + r + ": (" + uu + ", " + i[r] + ") outside " + numUsers + " x " + numItems);
      }
      ptr[uu + 1]++;
    }
    for (int x = 0; x < numUsers; x++) {
      ptr[x + 1] += ptr[x];
    }
    // Counting sort by user, stable, so file order survives within a user.
    int[] order = new int[n];
    int[] fill = Arrays.copyOf(ptr, numUsers);
    for (int r = 0; r < n; r++) {
      order[fill[u[r]]++] = r;
    }
    int[] outItems = new int[n];
    float[] outValues = new float[n];
    long[] outTs = timestamps == null ? null : new long[n];
    int[] outPtr = new int[numUsers + 1];
    int w = 0;
    int[] rowBuf = new int[16];
    long[] keyBuf = new long[16];
    for (int x = 0; x < numUsers; x++) {
      int from = ptr[x];
      int len = ptr[x + 1] - from;
      if (rowBuf.length < len) {
        rowBuf = new int[Math.max(len, rowBuf.length * 2)];
        keyBuf = new long[rowBuf.length];
      }
      System.arraycopy(order, from, rowBuf, 0, len);
      sortRowsByItemThenTime(rowBuf, len, i, timestamps, keyBuf);
      int start = w;
      for (int a = 0; a < len; a++) {
        int r = rowBuf[a];
        if (w > start && outItems[w - 1] == i[r]) {
          int last = w - 1;
          switch (policy) {
            case LAST -> {
              outValues[last] = v[r];
              if (outTs != null) outTs[last] = timestamps[r];
            }
            case SUM -> {
              outValues[last] += v[r];
              if (outTs != null) outTs[last] = Math.max(outTs[last], timestamps[r]);
            }
            case MAX -> {
              if (v[r] > outValues[last]) {
                outValues[last] = v[r];
                if (outTs != null) outTs[last] = timestamps[r];
              }
            }
          }
        } else {
          outItems[w] = i[r];
          outValues[w] = v[r];
          if (outTs != null) outTs[w] = timestamps[r];
          w++;
        }
      }
      outPtr[x + 1] = w;
    }
    if (w < n) {
      outItems = Arrays.copyOf(outItems, w);
      outValues = Arrays.copyOf(outValues, w);
      if (outTs != null) outTs = Arrays.copyOf(outTs, w);
    }
    return new Interactions(users, items, numUsers, numItems, outPtr, outItems, outValues, outTs);
  }

  /**
   * Sorts row numbers by (item, timestamp, row) so duplicates are adjacent, latest last. Rows arrive
   * in file order, so a primitive sort on (item, position) is stable; only runs of one item are
   * then re-ordered by timestamp.
   */
  private static void sortRowsByItemThenTime(int[] rows, int len, int[] item, long[] ts, long[] keys) {
    for (int a = 0; a < len; a++) {
      keys[a] = (long) item[rows[a]] << 32 | a;
    }
    Arrays.sort(keys, 0, len);
    int[] copy = Arrays.copyOf(rows, len);
    for (int a = 0; a < len; a++) {
      rows[a] = copy[(int) keys[a]];
    }
    if (ts == null) {
      return;
    }
    for (int a = 1; a < len; a++) {
      int r = rows[a];
      int b = a - 1;
      while (b >= 0 && item[rows[b]] == item[r] && ts[rows[b]] > ts[r]) {
        rows[b + 1] = rows[b];
        b--;
      }
      rows[b + 1] = r;
    }
  }

  public IdIndex userIndex() {
    return users;
  }

  public IdIndex itemIndex() {
    return items;
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Number of (user, item) pairs. */
  public int size() {
    return itemIdx.length;
  }

  public boolean hasTimestamps() {
    return timestamps != null;
  }

  // --- CSR view -------------------------------------------------------------------------------

  /** CSR row pointers (length numUsers + 1). Shared, do not modify. */
  public int[] userPtr() {
    return userPtr;
  }

  /** CSR item indices. Shared, do not modify. */
  public int[] itemIdx() {
    return itemIdx;
  }

  /** CSR values. Shared, do not modify. */
  public float[] values() {
    return values;
  }

  /** CSR timestamps, or null. Shared, do not modify. */
  public long[] timestamps() {
    return timestamps;
  }

  public int userDegree(int u) {
    return userPtr[u + 1] - userPtr[u];
  }

  /** Copy of user {@code u}'s item indices, increasing. */
  public int[] itemsOf(int u) {
    return Arrays.copyOfRange(itemIdx, userPtr[u], userPtr[u + 1]);
  }

  /** True if the pair is present (binary search in the user's row). */
  public boolean contains(int u, int item) {
    return Arrays.binarySearch(itemIdx, userPtr[u], userPtr[u + 1], item) >= 0;
  }

  // --- CSC view -------------------------------------------------------------------------------

  /** CSC column pointers (length numItems + 1). Shared, do not modify. */
  public int[] itemPtr() {
    return itemPtr;
  }

  /** CSC user indices. Shared, do not modify. */
  public int[] userIdx() {
    return userIdx;
  }

  /** CSC values. Shared, do not modify. */
  public float[] itemValues() {
    return itemValues;
  }

  /** For each CSC entry, its position in the CSR arrays. Shared, do not modify. */
  public int[] cscToCsr() {
    return cscToCsr;
  }

  public int itemDegree(int item) {
    return itemPtr[item + 1] - itemPtr[item];
  }

  // --- summaries ------------------------------------------------------------------------------

  /** Mean of the values, or 0 when empty. */
  public double meanValue() {
    double s = 0;
    for (float v : values) s += v;
    return values.length == 0 ? 0 : s / values.length;
  }

  /** Users with at least one interaction. */
  public int activeUsers() {
    int c = 0;
    for (int u = 0; u < numUsers; u++) if (userPtr[u + 1] > userPtr[u]) c++;
    return c;
  }

  /** Items with at least one interaction. */
  public int activeItems() {
    int c = 0;
    for (int i = 0; i < numItems; i++) if (itemPtr[i + 1] > itemPtr[i]) c++;
    return c;
  }

  /**
   * A 64-bit fingerprint of the pairs and values (not the ids' spelling), for provenance: equal
   * data gives equal fingerprints.
   */
  public long fingerprint() {
    long h = 0x9E3779B97F4A7C15L ^ numUsers * 31L ^ numItems;
    for (int u = 0; u < numUsers; u++) {
      for (int j = userPtr[u]; j < userPtr[u + 1]; j++) {
        long x = ((long) u << 32 | itemIdx[j]) * 0xBF58476D1CE4E5B9L ^ Float.floatToIntBits(values[j]);
        h = Long.rotateLeft(h ^ x, 27) * 0x94D049BB133111EBL;
      }
    }
    return h;
  }

  /** A copy with the given values in place of the current ones (same pairs, same order). */
  public Interactions withValues(float[] newValues) {
    if (newValues.length != values.length) {
      throw new IllegalArgumentException("expected " + values.length + " values, got " + newValues.length);
    }
    return new Interactions(users, items, numUsers, numItems, userPtr, itemIdx, newValues, timestamps);
  }

  /**
   * The subset of pairs whose CSR position has {@code keep[j]} true; same indices and dimensions,
   * so a train set and a test set cut this way line up.
   */
  public Interactions select(boolean[] keep) {
    if (keep.length != itemIdx.length) {
      throw new IllegalArgumentException("mask length " + keep.length + " != " + itemIdx.length);
    }
    int n = 0;
    for (boolean k : keep) if (k) n++;
    int[] p = new int[numUsers + 1];
    int[] it = new int[n];
    float[] v = new float[n];
    long[] ts = timestamps == null ? null : new long[n];
    int w = 0;
    for (int u = 0; u < numUsers; u++) {
      for (int j = userPtr[u]; j < userPtr[u + 1]; j++) {
        if (keep[j]) {
          it[w] = itemIdx[j];
          v[w] = values[j];
          if (ts != null) ts[w] = timestamps[j];
          w++;
        }
      }
      p[u + 1] = w;
    }
    return new Interactions(users, items, numUsers, numItems, p, it, v, ts);
  }

  /**
   * These interactions without user {@code u}'s row, on {@code users} (this user index without
   * {@code u}, see {@link IdIndex#without}): later users move down by one, items are unchanged.
   */
  public Interactions withoutUser(int u, IdIndex users) {
    java.util.Objects.checkIndex(u, this.users.size());
    if (users.size() != this.users.size() - 1) {
      throw new IllegalArgumentException("the new user index has " + users.size() + " ids, expected "
          + (this.users.size() - 1));
    }
    if (u >= numUsers) return new Interactions(users, items, numUsers, numItems, userPtr, itemIdx, values, timestamps);
    int from = userPtr[u];
    int len = userPtr[u + 1] - from;
    int[] p = new int[numUsers];
    for (int x = 0; x < numUsers - 1; x++) p[x + 1] = userPtr[x < u ? x + 1 : x + 2] - (x < u ? 0 : len);
    return new Interactions(users, items, numUsers - 1, numItems, p, cut(itemIdx, from, len, new int[itemIdx.length - len]),
        cut(values, from, len, new float[values.length - len]),
        timestamps == null ? null : cut(timestamps, from, len, new long[timestamps.length - len]));
  }

  /** {@code a} without its elements {@code [from, from + len)}, copied into {@code fresh} (an array of that length). */
  static <A> A cut(A a, int from, int len, A fresh) {
    System.arraycopy(a, 0, fresh, 0, from);
    System.arraycopy(a, from + len, fresh, from, java.lang.reflect.Array.getLength(fresh) - from);
    return fresh;
  }

  /**
   * The pairs whose user and item {@code toUsers} and {@code toItems} know, moved onto those
   * indices by external id (values and timestamps kept, order kept within a user); pairs with an
   * unknown user or item (cold ones) are dropped. This lines data read from a file up with a saved
   * model's indices, which may order or cover the ids differently.
   */
  public Interactions onto(IdIndex toUsers, IdIndex toItems) {
    int[] userMap = indicesIn(this.users, numUsers, toUsers);
    int[] itemMap = indicesIn(this.items, numItems, toItems);
    int n = size();
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    long[] ts = timestamps == null ? null : new long[n];
    int w = 0;
    for (int x = 0; x < numUsers; x++) {
      if (userMap[x] < 0) continue;
      for (int j = userPtr[x]; j < userPtr[x + 1]; j++) {
        int it = itemMap[itemIdx[j]];
        if (it < 0) continue;
        u[w] = userMap[x];
        i[w] = it;
        v[w] = values[j];
        if (ts != null) ts[w] = timestamps[j];
        w++;
      }
    }
    return fromCoo(toUsers, toItems, toUsers.size(), toItems.size(), u, i, v, ts, w, DuplicatePolicy.LAST);
  }

  /** For each of the first {@code n} indices of {@code from}, the index of the same id in {@code to}, or -1. */
  private static int[] indicesIn(IdIndex from, int n, IdIndex to) {
    int[] m = new int[n];
    for (int x = 0; x < n; x++) {
      m[x] = from.isNumeric() ? to.indexOf(from.longId(x)) : to.indexOf(from.externalId(x));
    }
    return m;
  }

  @Override
  public String toString() {
    return "Interactions[" + numUsers + " users x " + numItems + " items, " + size() + " pairs]";
  }
}
