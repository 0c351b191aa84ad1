package dev.kindred.data;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link Interactions} from parsed rows in parallel. It gives exactly what
 * {@link Interactions#fromCoo} gives for the concatenated rows (the readable reference;
 * {@code CsrAssemblerTest} checks they agree, duplicates and timestamp ties included), but does
 * not need the rows copied into one array first, and uses the call's threads:
 * <ol>
 *   <li>cut the rows (in file order, across chunks) into one contiguous range per thread and
 *       count each range's rows per user;
 *   <li>turn each row's user into its destination in CSR order, in place: each range writes its
 *       rows into its own stable sub-range of its users' segments, so within a user rows keep
 *       file order;
 *   <li>move the columns there one at a time (item and value, then timestamp), dropping each
 *       chunk column once moved;
 *   <li>per user (users split into blocks across threads): rows already strictly increasing by
 *       item are done; otherwise sort by (item, file order), order each run of one item by
 *       timestamp (stable), and merge duplicates by the policy, exactly as {@code fromCoo};
 *   <li>close the gaps duplicates left, if any, a column at a time.
 * </ol>
 * Memory: the chunks are consumed. The CSR columns are allocated as the chunk columns they
 * replace are dropped, so at no step do two full copies of the rows coexist: the peak is the
 * chunks plus the CSR item and value columns (28 bytes per row with timestamps, 20 without), which
 * is no more than the finished {@code Interactions} (CSR plus CSC) holds; plus one int per user
 * per thread. Time O(n log d) for n rows and user degree d, and O(n) when rows come grouped and
 * sorted.
 */
final class CsrAssembler {

  /** The most rows one assembly takes: its arrays are int-indexed. */
  static final long MAX_ROWS = Integer.MAX_VALUE - 16;

  /**
   * Rows with chunk-local user and item indices and the maps from those to global indices.
   * {@code ts} is null when the file has no timestamps. The arrays may be longer than {@code n}.
   * The assembler consumes a chunk: it overwrites {@code user} and drops the columns.
   */
  static final class Chunk {
    private int[] user;
    private int[] item;
    private float[] value;
    private long[] ts;
    private final int n;
    private final int[] userMap;
    private final int[] itemMap;
    private final boolean hasTs;

    Chunk(int[] user, int[] item, float[] value, long[] ts, int n, int[] userMap, int[] itemMap) {
      this.user = user;
      this.item = item;
      this.value = value;
      this.ts = ts;
      this.n = n;
      this.userMap = userMap;
      this.itemMap = itemMap;
      this.hasTs = ts != null;
    }

    int n() {
      return n;
    }

    boolean hasTimestamps() {
      return hasTs;
    }
  }

  private CsrAssembler() {}

  /** Rows {@code [lo, hi)} of the concatenated chunks, as (chunk, first row in it) pairs walked by {@link #forEachPart}. */
  @FunctionalInterface
  private interface PartBody {
    void accept(Chunk chunk, int from, int to);
  }

  /**
   * Assembles the rows of {@code chunks} (in order), consuming them. The list is cleared once the
   * rows are moved.
   */
  static Interactions assemble(IdIndex users, IdIndex items, int numUsers, int numItems, List<Chunk> chunks,
      boolean hasTs, DuplicatePolicy policy, WorkerPool workers) {
    long[] chunkStart = new long[chunks.size() + 1];
    for (int c = 0; c < chunks.size(); c++) {
      chunkStart[c + 1] = chunkStart[c] + chunks.get(c).n();
    }
    long total = chunkStart[chunks.size()];
    checkRows(total, MAX_ROWS);
    int n = (int) total;
    int ranges = (int) Math.max(1, Math.min(workers.threads(), total));
    long[] rangeStart = new long[ranges + 1];
    for (int g = 0; g <= ranges; g++) {
      rangeStart[g] = total * g / ranges;
    }

    int[][] next = new int[ranges][];
    workers.compute(ranges, g -> {
      int[] count = new int[numUsers];
      forEachPart(chunks, chunkStart, rangeStart[g], rangeStart[g + 1], (ch, from, to) -> {
        int[] map = ch.userMap;
        int[] user = ch.user;
        for (int r = from; r < to; r++) {
          count[map[user[r]]]++;
        }
      });
      next[g] = count;
    });
    int[] ptr = Interactions.segmentStarts(next, numUsers);
    workers.compute(ranges, g -> {
      int[] fill = next[g];
      forEachPart(chunks, chunkStart, rangeStart[g], rangeStart[g + 1], (ch, from, to) -> {
        int[] map = ch.userMap;
        int[] user = ch.user;
        for (int r = from; r < to; r++) {
          user[r] = fill[map[user[r]]]++; // from here on: the row's CSR position
        }
      });
      next[g] = null;
    });

    Csr csr = new Csr();
    csr.item = new int[n];
    csr.value = new float[n];
    workers.compute(ranges, g -> forEachPart(chunks, chunkStart, rangeStart[g], rangeStart[g + 1], (ch, from, to) -> {
      int[] pos = ch.user;
      int[] imap = ch.itemMap;
      int[] item = ch.item;
      float[] value = ch.value;
      int[] outItem = csr.item;
      float[] outValue = csr.value;
      for (int r = from; r < to; r++) {
        outItem[pos[r]] = imap[item[r]];
        outValue[pos[r]] = value[r];
      }
    }));
    for (Chunk ch : chunks) {
      ch.item = null;
      ch.value = null;
    }
    if (hasTs) {
      csr.ts = new long[n];
      workers.compute(ranges, g -> forEachPart(chunks, chunkStart, rangeStart[g], rangeStart[g + 1], (ch, from, to) -> {
        int[] pos = ch.user;
        long[] time = ch.ts;
        long[] outTs = csr.ts;
        for (int r = from; r < to; r++) {
          outTs[pos[r]] = time[r];
        }
      }));
    }
    for (Chunk ch : chunks) {
      ch.user = null;
      ch.ts = null;
    }
    chunks.clear();

    int[] kept = new int[numUsers];
    int blocks = workers.threads() == 1 ? 1 : Math.min(numUsers, workers.threads() * 8);
    int[] blockStart = Interactions.balancedBlocks(ptr, numUsers, blocks);
    boolean[] merged = new boolean[blocks];
    workers.compute(blocks, b -> merged[b] = sortAndMerge(ptr, blockStart[b], blockStart[b + 1], csr.item, csr.value,
        csr.ts, policy, kept));
    boolean anyMerged = false;
    for (boolean m : merged) {
      anyMerged |= m;
    }
    if (!anyMerged) {
      return new Interactions(users, items, numUsers, numItems, ptr, csr.item, csr.value, csr.ts, workers);
    }
    int[] newPtr = new int[numUsers + 1];
    for (int u = 0; u < numUsers; u++) {
      newPtr[u + 1] = newPtr[u] + kept[u];
    }
    int m = newPtr[numUsers];
    Compaction gaps = new Compaction(ptr, newPtr, kept, blockStart, workers);
    // One column at a time, each old column dropped as its replacement is filled.
    csr.item = gaps.close(csr.item, new int[m]);
    csr.value = gaps.close(csr.value, new float[m]);
    csr.ts = csr.ts == null ? null : gaps.close(csr.ts, new long[m]);
    return new Interactions(users, items, numUsers, numItems, newPtr, csr.item, csr.value, csr.ts, workers);
  }

  /** The CSR columns being filled, held in fields so each can be dropped when replaced. */
  private static final class Csr {
    int[] item;
    float[] value;
    long[] ts;
  }

  /**
   * Refuses more rows than one assembly can hold, before anything is allocated for them.
   *
   * @throws IllegalArgumentException naming the count and the limit
   */
  static void checkRows(long rows, long limit) {
    if (rows > limit) {
      throw new IllegalArgumentException(rows + " rows exceed the " + limit + " that one Interactions can hold"
          + " (its arrays are int-indexed); split the input, e.g. by user");
    }
  }

  /** Calls {@code body} on each chunk's part of the concatenated rows {@code [lo, hi)}, in order. */
  private static void forEachPart(List<Chunk> chunks, long[] chunkStart, long lo, long hi, PartBody body) {
    int c = Arrays.binarySearch(chunkStart, lo);
    c = c >= 0 ? c : -c - 2;
    for (; c < chunks.size() && chunkStart[c] < hi; c++) {
      int from = (int) (Math.max(lo, chunkStart[c]) - chunkStart[c]);
      int to = (int) (Math.min(hi, chunkStart[c + 1]) - chunkStart[c]);
      if (from < to) {
        body.accept(chunks.get(c), from, to);
      }
    }
  }

  /** Moves each user's kept rows from its old segment to its new one, a column at a time, by user blocks. */
  private record Compaction(int[] ptr, int[] newPtr, int[] kept, int[] blockStart, WorkerPool workers) {
    <A> A close(A from, A to) {
      workers.compute(blockStart.length - 1, b -> {
        for (int u = blockStart[b]; u < blockStart[b + 1]; u++) {
          System.arraycopy(from, ptr[u], to, newPtr[u], kept[u]);
        }
      });
      return to;
    }
  }

  /**
   * Sorts each user's segment by item, merges duplicates in place at the segment's start and
   * stores the kept length; returns whether any user had duplicates.
   */
  private static boolean sortAndMerge(int[] ptr, int fromUser, int toUser, int[] item, float[] value, long[] ts,
      DuplicatePolicy policy, int[] kept) {
    long[] keys = new long[16];
    float[] v = new float[16];
    long[] t = new long[16];
    boolean anyMerged = false;
    for (int u = fromUser; u < toUser; u++) {
      int from = ptr[u];
      int to = ptr[u + 1];
      int j = from + 1;
      while (j < to && item[j] > item[j - 1]) {
        j++;
      }
      if (j >= to) {
        kept[u] = to - from;
        continue;
      }
      int len = to - from;
      if (keys.length < len) {
        int cap = Math.max(len, keys.length * 2);
        keys = new long[cap];
        v = new float[cap];
        t = new long[cap];
      }
      for (int a = 0; a < len; a++) {
        keys[a] = (long) item[from + a] << 32 | a;
      }
      Arrays.sort(keys, 0, len);
      System.arraycopy(value, from, v, 0, len);
      if (ts != null) {
        System.arraycopy(ts, from, t, 0, len);
      }
      for (int a = 0; a < len; a++) {
        int src = (int) keys[a];
        item[from + a] = (int) (keys[a] >>> 32);
        value[from + a] = v[src];
        if (ts != null) {
          ts[from + a] = t[src];
        }
      }
      if (ts != null) {
        orderRunsByTime(item, value, ts, from, to);
      }
      int w = mergeDuplicates(item, value, ts, from, to, policy);
      kept[u] = w - from;
      anyMerged |= w < to;
    }
    return anyMerged;
  }

  /** Stable insertion sort by timestamp within each run of one item (runs are short). */
  private static void orderRunsByTime(int[] item, float[] value, long[] ts, int from, int to) {
    for (int a = from + 1; a < to; a++) {
      if (item[a] != item[a - 1] || ts[a - 1] <= ts[a]) {
        continue;
      }
      float va = value[a];
      long ta = ts[a];
      int b = a - 1;
      while (b >= from && item[b] == item[a] && ts[b] > ta) {
        value[b + 1] = value[b];
        ts[b + 1] = ts[b];
        b--;
      }
      value[b + 1] = va;
      ts[b + 1] = ta;
    }
  }

  /** Merges adjacent equal items by {@code policy} as {@code Interactions.fromCoo} does; returns the new end. */
  private static int mergeDuplicates(int[] item, float[] value, long[] ts, int from, int to, DuplicatePolicy policy) {
    int w = from;
    for (int a = from; a < to; a++) {
      if (w > from && item[w - 1] == item[a]) {
        int last = w - 1;
        switch (policy) {
          case LAST -> {
            value[last] = value[a];
            if (ts != null) {
              ts[last] = ts[a];
            }
          }
          case SUM -> {
            value[last] += value[a];
            if (ts != null) {
              ts[last] = Math.max(ts[last], ts[a]);
            }
          }
          case MAX -> {
            if (value[a] > value[last]) {
              value[last] = value[a];
              if (ts != null) {
                ts[last] = ts[a];
              }
            }
          }
        }
      } else {
        item[w] = item[a];
        value[w] = value[a];
        if (ts != null) {
          ts[w] = ts[a];
        }
        w++;
      }
    }
    return w;
  }
}
