package dev.kindred.train.hybrid;

import dev.kindred.core.Interactions;
import java.util.Arrays;

/**
 * What every worker of one fit shares: the training pairs, both sides' feature rows and
 * embedding tables, and the config. The tables are written by all workers without locks.
 */
final class HybridModelState {

  final HybridConfig config;
  final Interactions train;
  final FeatureRows userRows;
  final FeatureRows itemRows;
  final EmbeddingTable users;
  final EmbeddingTable items;

  HybridModelState(HybridConfig config, Interactions train, FeatureRows userRows, FeatureRows itemRows,
      EmbeddingTable users, EmbeddingTable items) {
    this.config = config;
    this.train = train;
    this.userRows = userRows;
    this.itemRows = itemRows;
    this.users = users;
    this.items = items;
  }

  /** True when {@code j} is one of {@code u}'s training items (binary search in the sorted row). */
  boolean isPositive(int u, int j) {
    int[] ptr = train.userPtr();
    return Arrays.binarySearch(train.itemIdx(), ptr[u], ptr[u + 1], j) >= 0;
  }
}
