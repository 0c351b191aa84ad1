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

  /** True when {@code j} is one of {@code u}'s training items (binary search in the sorted row). */
  boolean isPositive(int u, int j) {
    return Arrays.binarySearch(itemIdx, userPtr[u], userPtr[u + 1], j) >= 0;
  }
}
