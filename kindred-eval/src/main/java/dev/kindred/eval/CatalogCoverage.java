package dev.kindred.eval;

import java.util.BitSet;

/**
 * Catalog coverage at K (key {@code coverage@K}): the number of distinct items that appear in
 * some user's top K, divided by the number of items in the catalog. Accumulates one list at a
 * time so an evaluation in batches never holds every list; {@code numItems / 8} bytes.
 *
 * <p>Not thread-safe: one instance per evaluating thread or call.
 */
public final class CatalogCoverage {

  private final int numItems;
  private final int k;
  private final BitSet seen;

  /**
   * @param numItems catalog size, the denominator
   * @param k only the first {@code min(list length, k)} items of each list count
   */
  public CatalogCoverage(int numItems, int k) {
    if (numItems <= 0 || k <= 0) {
      throw new IllegalArgumentException("numItems and k must be positive, got numItems=" + numItems + " k=" + k);
    }
    this.numItems = numItems;
    this.k = k;
    this.seen = new BitSet(numItems);
  }

  /** The coverage at {@code k} of the given lists, each best first. */
  public static double of(int[][] rankedLists, int numItems, int k) {
    CatalogCoverage c = new CatalogCoverage(numItems, k);
    for (int[] ranked : rankedLists) {
      c.add(ranked);
    }
    return c.value();
  }

  /** Marks the first {@code min(ranked.length, k)} items of one user's list. */
  public void add(int[] ranked) {
    int n = Math.min(ranked.length, k);
    for (int r = 0; r < n; r++) {
      int item = ranked[r];
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException("item " + item + " at rank " + (r + 1) + " outside the catalog [0, "
            + numItems + ")");
      }
      seen.set(item);
    }
  }

  public int k() {
    return k;
  }

  /** Distinct items recommended so far. */
  public int distinctItems() {
    return seen.cardinality();
  }

  /** {@code distinctItems() / numItems}. */
  public double value() {
    return (double) seen.cardinality() / numItems;
  }
}
