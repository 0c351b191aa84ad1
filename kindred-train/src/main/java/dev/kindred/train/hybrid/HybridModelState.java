package dev.kindred.train.hybrid;

import java.util.Arrays;

/**
 * What every worker of one fit shares: the training pairs as CSR rows ({@code userPtr}, sorted
 * {@code itemIdx}: all of them, or one partition's users), the items those pairs touch (the
 * negatives sampled from), both sides' feature rows and embedding tables, and the config. The
 * tables are written by all workers without locks.
 */
final class HybridModelState {

  final HybridConfig config;
  final int[] userPtr;
  final int[] itemIdx;
  final FeatureRows userRows;
  final FeatureRows itemRows;
  final EmbeddingTable users;
  final EmbeddingTable items;
  /**
   * The items with at least one training pair, ascending: the negatives. An item without one (a
   * new item known only by its features) is unobserved, not disliked; drawing it as a negative
   * would push its features, and every feature it shares, below the items users took.
   */
  final int[] negatives;
  /**
   * Bit {@code u * items + j} set when {@code j} is one of {@code u}'s training items, when that
   * takes at most {@link #BITSET_BITS} bits; else null and {@link #isPositive} searches the row.
   * The test runs once per violating draw: a binary search of a row of ~100 items mispredicts
   * about seven branches, the bit one load (the search was 28% of ML-100K's WARP samples).
   */
  private final long[] positives;
  /**
   * 1 MiB of bits, a core's L2: ML-100K needs 0.2 MB. The 6 MB of a 10,000 x 5,000 set were not
   * faster than the search (a cache miss per test either way; docs/benchmarks.md).
   */
  static final long BITSET_BITS = 1L << 23;

  HybridModelState(HybridConfig config, int[] userPtr, int[] itemIdx, FeatureRows userRows, FeatureRows itemRows,
      EmbeddingTable users, EmbeddingTable items) {
    this.config = config;
    this.userPtr = userPtr;
    this.itemIdx = itemIdx;
    this.userRows = userRows;
    this.itemRows = itemRows;
    this.users = users;
    this.items = items;
    this.negatives = itemsWithPairs(itemIdx, itemRows.entities);
    this.positives = positiveBits(userPtr, itemIdx, itemRows.entities);
  }

  private static long[] positiveBits(int[] userPtr, int[] itemIdx, int numItems) {
    long bits = (long) (userPtr.length - 1) * numItems;
    if (bits > BITSET_BITS) return null;
    long[] out = new long[(int) ((bits + 63) >>> 6)];
    for (int u = 0; u + 1 < userPtr.length; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        long b = (long) u * numItems + itemIdx[p];
        out[(int) (b >>> 6)] |= 1L << b;
      }
    }
    return out;
  }

  private static int[] itemsWithPairs(int[] itemIdx, int numItems) {
    boolean[] seen = new boolean[numItems];
    int n = 0;
    for (int i : itemIdx) {
      if (!seen[i]) n++;
      seen[i] = true;
    }
    int[] out = new int[n];
    n = 0;
    for (int i = 0; i < numItems; i++) if (seen[i]) out[n++] = i;
    return out;
  }

  /** True when {@code j} is one of {@code u}'s training items (a bit, or a binary search in the sorted row). */
  boolean isPositive(int u, int j) {
    if (positives != null) {
      long b = (long) u * itemRows.entities + j;
      return (positives[(int) (b >>> 6)] & (1L << b)) != 0;
    }
    return Arrays.binarySearch(itemIdx, userPtr[u], userPtr[u + 1], j) >= 0;
  }
}
