package dev.kindred.train.hybrid;

import java.util.Arrays;

/**
 * What every worker of one fit shares: the training pairs as CSR rows ({@code userPtr}, sorted
 * {@code itemIdx}: all of them, or one partition's users), both sides' feature rows and embedding
 * tables, and the config. The tables are written by all workers without locks.
 */
final class HybridModelState {

  final HybridConfig config;
  final int[] userPtr;
  final int[] itemIdx;
  final FeatureRows userRows;
  final FeatureRows itemRows;
  final EmbeddingTable users;
  final EmbeddingTable items;

  HybridModelState(HybridConfig config, int[] userPtr, int[] itemIdx, FeatureRows userRows, FeatureRows itemRows,
      EmbeddingTable users, EmbeddingTable items) {
    this.config = config;
    this.userPtr = userPtr;
    this.itemIdx = itemIdx;
    this.userRows = userRows;
    this.itemRows = itemRows;
    this.users = users;
    this.items = items;
  }

  /** True when {@code j} is one of {@code u}'s training items (binary search in the sorted row). */
  boolean isPositive(int u, int j) {
    return Arrays.binarySearch(itemIdx, userPtr[u], userPtr[u + 1], j) >= 0;
  }
}
