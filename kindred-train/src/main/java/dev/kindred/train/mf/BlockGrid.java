package dev.kindred.train.mf;

import dev.kindred.core.Interactions;
import java.util.SplittableRandom;

/**
 * The training pairs cut into a {@code bins x bins} grid of blocks so that blocks sharing no row
 * and no column can be updated by different threads at once without locks (FPSGD, Chin et al.).
 *
 * <p>Users and items are shuffled with the seed and then cut into bins of about equal interaction
 * counts, so blocks are balanced even on power-law data.
 *
 * <p>Layout invariants:
 * <ol>
 *   <li>Block {@code (r, c)} is {@code b = r * bins + c}; its pairs are positions
 *       {@code start[b] .. start[b+1])} of {@code users}, {@code items}, {@code values}.
 *   <li>Within a block, pairs keep the CSR order (users increasing, then items), so consecutive
 *       updates mostly reuse one user vector.
 *   <li>{@code userBin[u] == r} and {@code itemBin[i] == c} for every pair of block {@code (r, c)}.
 * </ol>
 * Memory: 12 bytes per pair plus 4 bytes per user and item.
 */
final class BlockGrid {

  final int bins;
  final int[] start;
  final int[] users;
  final int[] items;
  final float[] values;

  BlockGrid(Interactions data, int bins, float valueOffset, SplittableRandom rng) {
    this.bins = bins;
    int[] userBin = balancedBins(data.userPtr(), data.numUsers(), bins, rng.split());
    int[] itemBin = balancedBins(data.itemPtr(), data.numItems(), bins, rng.split());
    int nnz = data.size();
    int[] ptr = data.userPtr();
    int[] idx = data.itemIdx();
    float[] val = data.values();
    start = new int[bins * bins + 1];
    for (int u = 0; u < data.numUsers(); u++) {
      int rowBase = userBin[u] * bins;
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        start[rowBase + itemBin[idx[j]] + 1]++;
      }
    }
    for (int b = 0; b < bins * bins; b++) start[b + 1] += start[b];
    int[] fill = java.util.Arrays.copyOf(start, bins * bins);
    users = new int[nnz];
    items = new int[nnz];
    values = new float[nnz];
    for (int u = 0; u < data.numUsers(); u++) {
      int rowBase = userBin[u] * bins;
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        int i = idx[j];
        int pos = fill[rowBase + itemBin[i]]++;
        users[pos] = u;
        items[pos] = i;
        values[pos] = val[j] - valueOffset;
      }
    }
  }

  int blockSize(int b) {
    return start[b + 1] - start[b];
  }

  /**
   * Assigns each of {@code n} rows (with CSR/CSC pointer array {@code ptr}) to one of {@code bins}
   * bins: a seeded shuffle, then contiguous runs of about {@code nnz / bins} interactions.
   */
  static int[] balancedBins(int[] ptr, int n, int bins, SplittableRandom rng) {
    int[] order = new int[n];
    for (int x = 0; x < n; x++) order[x] = x;
    for (int x = n - 1; x > 0; x--) {
      int y = rng.nextInt(x + 1);
      int t = order[x];
      order[x] = order[y];
      order[y] = t;
    }
    long total = ptr[n];
    int[] bin = new int[n];
    long seen = 0;
    int rowsInBin = 0;
    int current = 0;
    for (int x = 0; x < n; x++) {
      int row = order[x];
      // Move to the next bin once this one holds its share; rows without data spread evenly too.
      long target = (total * (current + 1)) / bins;
      if (current < bins - 1 && seen >= target && rowsInBin > 0) {
        current++;
        rowsInBin = 0;
      }
      bin[row] = current;
      seen += ptr[row + 1] - ptr[row];
      rowsInBin++;
    }
    return bin;
  }
}
