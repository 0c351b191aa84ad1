package dev.kindred.train.bpr;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws a "negative" item for a user: an item outside the user's sorted row of positives, proposed
 * either uniformly over all items or with probability proportional to
 * {@code degree(item)^exponent}, and rejected while it is one of the user's items.
 *
 * <p>Popularity proposals come from an alias table (Vose, "A linear algorithm for generating
 * random numbers with a given distribution", IEEE TSE 1991, doi:10.1109/32.92917): one uniform
 * column and one uniform coin per draw. Items with no interactions have weight 0 under any
 * positive exponent; exponent 0 is the uniform distribution.
 *
 * <p>Rejection needs about {@code 1 / (1 - P(user's items))} proposals. After
 * {@value #MAX_PROPOSALS} rejected proposals (a user who holds most of the popular mass) the draw
 * falls back to a uniform choice among the user's non-items, found by rank in {@code O(degree)};
 * so every draw terminates, and returns -1 only when the user has every item.
 *
 * <p>Cost: {@code O(items)} to build, {@code 12 * items} bytes; a draw is {@code O(log degree)}
 * per proposal (binary search in the row). Immutable and thread-safe; the caller supplies the
 * random stream.
 */
public final class NegativeSampler {

  static final int MAX_PROPOSALS = 64;

  private final int numItems;
  private final double[] prob; // alias table: keep column c with prob[c], else take alias[c]; null = uniform
  private final int[] alias;

  private NegativeSampler(int numItems, double[] prob, int[] alias) {
    this.numItems = numItems;
    this.prob = prob;
    this.alias = alias;
  }

  /** Proposals uniform over {@code [0, numItems)}. */
  public static NegativeSampler uniform(int numItems) {
    if (numItems <= 0) {
      throw new IllegalArgumentException("numItems must be > 0, got " + numItems);
    }
    return new NegativeSampler(numItems, null, null);
  }

  /**
   * Proposals with probability proportional to {@code itemDegree[i]^exponent}.
   *
   * @throws IllegalArgumentException if every weight is zero
   */
  public static NegativeSampler popularity(int[] itemPtr, double exponent) {
    int n = itemPtr.length - 1;
    double[] w = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.pow(itemPtr[i + 1] - itemPtr[i], exponent);
      total += w[i];
    }
    if (!(total > 0) || !Double.isFinite(total)) {
      throw new IllegalArgumentException("popularity weights sum to " + total + " over " + n + " items");
    }
    // Vose: scale to mean 1, pair each under-full column with an over-full donor.
    double[] prob = new double[n];
    int[] alias = new int[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < n; i++) {
      prob[i] = w[i] * n / total;
      if (prob[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      alias[s] = l;
      prob[l] -= 1 - prob[s];
      if (prob[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Leftovers are 1 up to rounding.
    while (nl > 0) prob[large[--nl]] = 1;
    while (ns > 0) prob[small[--ns]] = 1;
    return new NegativeSampler(n, prob, alias);
  }

  public int numItems() {
    return numItems;
  }

  /** One proposal, ignoring any user's items. */
  public int propose(SplittableRandom rng) {
    int c = rng.nextInt(numItems);
    if (prob == null) return c;
    return rng.nextDouble() < prob[c] ? c : alias[c];
  }

  /**
   * An item not in {@code row[from, to)} (strictly increasing), or -1 if that row holds every
   * item.
   */
  public int draw(SplittableRandom rng, int[] row, int from, int to) {
    return draw(rng, propose(rng), row, from, to);
  }

  /**
   * As {@link #draw(SplittableRandom, int[], int, int)}, with the first proposal already drawn
   * (block samplers draw proposals ahead of the membership tests).
   */
  public int draw(SplittableRandom rng, int first, int[] row, int from, int to) {
    int degree = to - from;
    if (degree >= numItems) return -1;
    int j = first;
    for (int t = 1; Arrays.binarySearch(row, from, to, j) >= 0; t++) {
      if (t == MAX_PROPOSALS) {
        // The r-th non-item: every positive at or below the candidate pushes it up by one.
        int cand = rng.nextInt(numItems - degree);
        for (int x = from; x < to && row[x] <= cand; x++) cand++;
        return cand;
      }
      j = propose(rng);
    }
    return j;
  }
}
