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
 *   <li>count rows per user, one count array per group of chunks (chunks stay in file order);
 *   <li>scatter every row to its user's segment, each group into its own stable sub-range, so
 *       within a user rows keep file order;
 *   <li>per user (users split into blocks across threads): rows already strictly increasing by
 *       item are done; otherwise sort by (item, file order), order each run of one item by
 *       timestamp (stable), and merge duplicates by the policy, exactly as {@code fromCoo};
 *   <li>close the gaps duplicates left, if any.
 * </ol>
 * Memory: the output arrays plus one int per user per thread. Time O(n log d) for n rows and
 * user degree d, and O(n) when rows come grouped and sorted.
 */
final class CsrAssembler {

  /**
   * Rows with chunk-local user and item indices and the maps from those to global indices.
   * {@code ts} is null when the file has no timestamps.
   */
  record Chunk(int[] user, int[] item, float[] value, long[] ts, int n, int[] userMap, int[] itemMap) {}

  private CsrAssembler() {}

  /**
   * Assembles the rows of {@code chunks} (in order). The list is cleared once the rows are
   * copied, so their arrays can be collected if the caller holds no other reference.
   */
  static Interactions assemble(IdIndex users, IdIndex items, int numUsers, int numItems, List<Chunk> chunks,
      boolean hasTs, DuplicatePolicy policy, WorkerPool workers) {
    long total = 0;
    for (Chunk c : chunks) {
      total += c.n();
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(total + " interactions exceed the " + (Integer.MAX_VALUE - 16)
          + " one Interactions can hold; split the input");
    }
    int n = (int) total;
    int groups = Math.max(1, Math.min(workers.threads(), chunks.size()));
    int[] groupStart = groupChunks(chunks, groups, total);

    int[][] fill = new int[groups][];
    workers.compute(groups, g -> {
      int[] count = new int[numUsers];
      for (int c = groupStart[g]; c < groupStart[g + 1]; c++) {
        Chunk ch = chunks.get(c);
        int[] map = ch.userMap();
        int[] user = ch.user();
        for (int r = 0; r < ch.n(); r++) {
          count[map[user[r]]]++;
        }
      }
      fill[g] = count;
    });
    int[] ptr = new int[numUsers + 1];
    for (int u = 0; u < numUsers; u++) {
      int run = ptr[u];
      for (int g = 0; g < groups; g++) {
        int c = fill[g][u];
        fill[g][u] = run; // becomes the group's next write position for user u
        run += c;
      }
      ptr[u + 1] = run;
    }

    int[] itemIdx = new int[n];
    float[] values = new float[n];
    long[] ts = hasTs ? new long[n] : null;
    workers.compute(groups, g -> {
      int[] next = fill[g];
      for (int c = groupStart[g]; c < groupStart[g + 1]; c++) {
        Chunk ch = chunks.get(c);
        int[] umap = ch.userMap();
        int[] imap = ch.itemMap();
        int[] user = ch.user();
        int[] item = ch.item();
        float[] value = ch.value();
        long[] time = ch.ts();
        for (int r = 0; r < ch.n(); r++) {
          int pos = next[umap[user[r]]]++;
          itemIdx[pos] = imap[item[r]];
          values[pos] = value[r];
          if (ts != null) {
            ts[pos] = time[r];
          }
        }
      }
      fill[g] = null;
    });
    chunks.clear();

    int[] kept = new int[numUsers];
    int blocks = workers.threads() == 1 ? 1 : Math.min(numUsers, workers.threads() * 8);
    int[] blockStart = splitUsers(ptr, numUsers, blocks);
    boolean[] merged = new boolean[blocks];
    workers.compute(blocks, b -> merged[b] = sortAndMerge(ptr, blockStart[b], blockStart[b + 1], itemIdx, values, ts,
        policy, kept));

    boolean anyMerged = false;
    for (boolean m : merged) {
      anyMerged |= m;
    }
    if (!anyMerged) {
      return new Interactions(users, items, numUsers, numItems, ptr, itemIdx, values, ts);
    }
    int[] newPtr = new int[numUsers + 1];
    for (int u = 0; u < numUsers; u++) {
      newPtr[u + 1] = newPtr[u] + kept[u];
    }
    int m = newPtr[numUsers];
    int[] outItems = new int[m];
    float[] outValues = new float[m];
    long[] outTs = ts == null ? null : new long[m];
    workers.compute(blocks, b -> {
      for (int u = blockStart[b]; u < blockStart[b + 1]; u++) {
        System.arraycopy(itemIdx, ptr[u], outItems, newPtr[u], kept[u]);
        System.arraycopy(values, ptr[u], outValues, newPtr[u], kept[u]);
        if (ts != null) {
          System.arraycopy(ts, ptr[u], outTs, newPtr[u], kept[u]);
        }
      }
    });
    return new Interactions(users, items, numUsers, numItems, newPtr, outItems, outValues, outTs);
  }

  /** Contiguous chunk groups of about equal row counts; returns groups + 1 boundaries. */
  private static int[] groupChunks(List<Chunk> chunks, int groups, long total) {
    int[] start = new int[groups + 1];
    long acc = 0;
    int g = 1;
    for (int c = 0; c < chunks.size() && g < groups; c++) {
      acc += chunks.get(c).n();
      if (acc * groups >= total * g) {
        start[g++] = c + 1;
      }
    }
    while (g <= groups) {
      start[g++] = chunks.size();
    }
    return start;
  }

  /** Contiguous user blocks of about equal numbers of rows; returns blocks + 1 boundaries. */
  private static int[] splitUsers(int[] ptr, int numUsers, int blocks) {
    int[] start = new int[blocks + 1];
    long total = ptr[numUsers];
    int u = 0;
    for (int b = 1; b < blocks; b++) {
      long target = total * b / blocks;
      while (u < numUsers && ptr[u] < target) {
        u++;
      }
      start[b] = Math.max(u, start[b - 1]);
    }
    start[blocks] = numUsers;
    return start;
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
