package dev.kindred.eval;

/**
 * How often each catalog item is shown in the users' top-K lists, and two list-level metrics of
 * that exposure:
 * <ul>
 *   <li>{@code coverage@K}: items with exposure above zero over the catalog size (as
 *       {@link CatalogCoverage}).
 *   <li>{@code gini@K}: the Gini coefficient of the exposure counts over the whole catalog,
 *       {@code G = sum over i = 1..n of (2i - n - 1) c_(i) / (n sum c)} with {@code c_(1) <= .. <=
 *       c_(n)} the sorted counts and {@code n} the catalog size: 0 when every item is shown equally
 *       often, {@code 1 - 1/n} when one item takes every slot. Fleder and Hosanagar, "Blockbuster
 *       culture's next rise or fall", Management Science 55(5) 2009, doi:10.1287/mnsc.1080.0974;
 *       the exposure form follows Gunawardana, Shani, Yogev, "Evaluating recommender systems"
 *       (Recommender Systems Handbook, 2022), where unrecommended items count as zeros.
 * </ul>
 * Lists may be added with a multiplicity (a bootstrap resample draws a user several times).
 *
 * <p>Cost: {@code O(min(len, K))} per list, {@code O(n log n)} for the Gini; {@code 8 n} bytes.
 * Not thread-safe: one instance per evaluating thread or call.
 */
public final class Exposure {

  private final int k;
  private final long[] counts;
  private long total;

  /**
   * @param numItems catalog size n
   * @param k only the first {@code min(len, k)} items of each list count
   */
  public Exposure(int numItems, int k) {
    if (numItems <= 0 || k <= 0) {
      throw new IllegalArgumentException("numItems and k must be positive, got numItems=" + numItems + " k=" + k);
    }
    this.k = k;
    this.counts = new long[numItems];
  }

  /** Adds one list (best first) {@code times} times. */
  public void add(int[] ranked, int times) {
    if (times < 0) throw new IllegalArgumentException("times must be >= 0, got " + times);
    int n = Math.min(ranked.length, k);
    for (int r = 0; r < n; r++) {
      int item = ranked[r];
      if (item < 0 || item >= counts.length) {
        throw new IllegalArgumentException("item " + item + " at rank " + (r + 1) + " outside the catalog [0, "
            + counts.length + ")");
      }
      counts[item] += times;
    }
    total += (long) n * times;
  }

  /** Forgets every list added, keeping the catalog and K. */
  public void clear() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
  }

  /** {@code coverage@K}. */
  public double coverage() {
    int distinct = 0;
    for (long c : counts) {
      if (c > 0) distinct++;
    }
    return (double) distinct / counts.length;
  }

  /** {@code gini@K}; NaN before any item is shown. */
  public double gini() {
    if (total == 0) return Double.NaN;
    long[] sorted = counts.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    double weighted = 0;
    for (int i = 0; i < n; i++) {
      weighted += (2.0 * (i + 1) - n - 1) * sorted[i];
    }
    return weighted / ((double) n * total);
  }
}
