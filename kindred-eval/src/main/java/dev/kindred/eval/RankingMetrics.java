package dev.kindred.eval;

import java.util.Arrays;

/**
 * Per-user top-K ranking metrics with binary relevance: pure functions of one user's ranked list
 * and relevant set. {@link Evaluator} averages them over users; the metric key each one feeds is
 * named in its Javadoc.
 *
 * <p>Inputs:
 * <ul>
 *   <li>{@code ranked}: recommended item indices, best first, distinct. Only the first
 *       {@code min(ranked.length, k)} entries count, so a list computed once at the largest K
 *       serves every smaller K; a list shorter than K (few candidates left after exclusions) is
 *       scored as if padded with misses.
 *   <li>{@code relevant}: the user's relevant item indices, strictly increasing.
 *   <li>{@code hits}: the hit mask of {@link #hits(int[], int[])}, {@code hits[r]} true when the
 *       item at rank {@code r + 1} is relevant. Each metric has an overload on the mask so that a
 *       caller computing many metrics and cutoffs for one user looks items up once.
 * </ul>
 * Ranks are 1-based in the formulas below; {@code h(K)} is the number of hits among the first
 * {@code min(len, K)} items and {@code R} the relevant set. A user with no relevant items scores 0
 * on every metric (the evaluator skips such users rather than average those zeros in).
 *
 * <p>Cost: {@code O(len log |R|)} for the hit mask, {@code O(min(len, K))} per metric after it.
 * Stateless and thread-safe.
 */
public final class RankingMetrics {

  private static final double LN2 = Math.log(2);

  private RankingMetrics() {}

  // --- hit mask ---------------------------------------------------------------------------------

  /**
   * {@code hits[r]} is true when {@code ranked[r]} is in {@code relevant}.
   *
   * @throws IllegalArgumentException if {@code relevant} is not strictly increasing, or a relevant
   *     item appears twice in {@code ranked} (it would be counted twice)
   */
  public static boolean[] hits(int[] ranked, int[] relevant) {
    checkStrictlyIncreasing(relevant);
    boolean[] hit = new boolean[ranked.length];
    boolean[] used = new boolean[relevant.length];
    for (int r = 0; r < ranked.length; r++) {
      int p = Arrays.binarySearch(relevant, ranked[r]);
      if (p >= 0) {
        if (used[p]) {
          throw new IllegalArgumentException("item " + ranked[r] + " appears twice in the ranked list (again at rank "
              + (r + 1) + "); ranked items must be distinct");
        }
        used[p] = true;
        hit[r] = true;
      }
    }
    return hit;
  }

  /** {@code h(K)}: the number of hits among the first {@code min(hits.length, k)} ranks. */
  public static int hitCount(boolean[] hits, int k) {
    int n = cutoff(hits, k);
    int h = 0;
    for (int r = 0; r < n; r++) {
      if (hits[r]) h++;
    }
    return h;
  }

  // --- precision@K ------------------------------------------------------------------------------

  /**
   * Precision at K, {@code h(K) / K} (key {@code precision@K}). The denominator is K, not the list
   * length: a list shorter than K cannot score higher for being short.
   */
  public static double precision(int[] ranked, int[] relevant, int k) {
    return precision(hits(ranked, relevant), k);
  }

  /** {@link #precision(int[], int[], int)} on a hit mask. */
  public static double precision(boolean[] hits, int k) {
    return (double) hitCount(hits, k) / k;
  }

  // --- recall@K ---------------------------------------------------------------------------------

  /** Recall at K, {@code h(K) / |R|}, 0 when {@code R} is empty (key {@code recall@K}). */
  public static double recall(int[] ranked, int[] relevant, int k) {
    return recall(hits(ranked, relevant), relevant.length, k);
  }

  /** {@link #recall(int[], int[], int)} on a hit mask; {@code numRelevant} is {@code |R|}. */
  public static double recall(boolean[] hits, int numRelevant, int k) {
    int h = checkedHitCount(hits, numRelevant, k);
    return numRelevant == 0 ? 0.0 : (double) h / numRelevant;
  }

  // --- F1@K -------------------------------------------------------------------------------------

  /**
   * F1 at K of one user, {@code 2 P R / (P + R)} from that user's precision and recall at K, 0 when
   * both are 0 (key {@code f1@K}, the mean of these per-user values, not F1 of averaged P and R).
   */
  public static double f1(int[] ranked, int[] relevant, int k) {
    return f1(hits(ranked, relevant), relevant.length, k);
  }

  /** {@link #f1(int[], int[], int)} on a hit mask. */
  public static double f1(boolean[] hits, int numRelevant, int k) {
    double p = precision(hits, k);
    double r = recall(hits, numRelevant, k);
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }

  // --- NDCG@K -----------------------------------------------------------------------------------

  /**
   * Normalised discounted cumulative gain at K with binary gains (key {@code ndcg@K}):
   * {@code DCG = sum over hit ranks r <= K of 1 / log2(r + 1)}, divided by the ideal
   * {@code IDCG = sum over r = 1 .. min(|R|, K) of 1 / log2(r + 1)}; 0 when {@code R} is empty.
   */
  public static double ndcg(int[] ranked, int[] relevant, int k) {
    return ndcg(hits(ranked, relevant), relevant.length, k);
  }

  /** {@link #ndcg(int[], int[], int)} on a hit mask. */
  public static double ndcg(boolean[] hits, int numRelevant, int k) {
    checkedHitCount(hits, numRelevant, k);
    if (numRelevant == 0) {
      return 0.0;
    }
    int n = cutoff(hits, k);
    double dcg = 0;
    for (int r = 0; r < n; r++) {
      if (hits[r]) dcg += discount(r + 1);
    }
    double idcg = 0;
    int ideal = Math.min(numRelevant, k);
    for (int r = 0; r < ideal; r++) {
      idcg += discount(r + 1);
    }
    return dcg / idcg;
  }

  /** {@code 1 / log2(rank + 1)} for a 1-based rank. */
  private static double discount(int rank) {
    return LN2 / Math.log(rank + 1.0);
  }

  // --- AP@K (MAP@K) -----------------------------------------------------------------------------

  /**
   * Average precision at K (key {@code map@K}, its mean over users):
   * {@code sum over hit ranks r <= K of h(r) / r}, divided by {@code min(|R|, K)} so that a
   * perfect top-K scores 1 even when the user has more than K relevant items; 0 when {@code R} is
   * empty.
   */
  public static double averagePrecision(int[] ranked, int[] relevant, int k) {
    return averagePrecision(hits(ranked, relevant), relevant.length, k);
  }

  /** {@link #averagePrecision(int[], int[], int)} on a hit mask. */
  public static double averagePrecision(boolean[] hits, int numRelevant, int k) {
    checkedHitCount(hits, numRelevant, k);
    if (numRelevant == 0) {
      return 0.0;
    }
    int n = cutoff(hits, k);
    int h = 0;
    double sum = 0;
    for (int r = 0; r < n; r++) {
      if (hits[r]) {
        h++;
        sum += (double) h / (r + 1);
      }
    }
    return sum / Math.min(numRelevant, k);
  }

  // --- HR@K -------------------------------------------------------------------------------------

  /** Hit rate at K of one user: 1 if {@code h(K) > 0}, else 0 (key {@code hr@K}). */
  public static double hitRate(int[] ranked, int[] relevant, int k) {
    return hitRate(hits(ranked, relevant), k);
  }

  /** {@link #hitRate(int[], int[], int)} on a hit mask. */
  public static double hitRate(boolean[] hits, int k) {
    return hitCount(hits, k) > 0 ? 1.0 : 0.0;
  }

  // --- MRR@K ------------------------------------------------------------------------------------

  /**
   * Reciprocal rank at K: {@code 1 / r} for the first hit rank {@code r <= K}, 0 without a hit
   * (key {@code mrr@K}, its mean over users).
   */
  public static double reciprocalRank(int[] ranked, int[] relevant, int k) {
    return reciprocalRank(hits(ranked, relevant), k);
  }

  /** {@link #reciprocalRank(int[], int[], int)} on a hit mask. */
  public static double reciprocalRank(boolean[] hits, int k) {
    int n = cutoff(hits, k);
    for (int r = 0; r < n; r++) {
      if (hits[r]) return 1.0 / (r + 1);
    }
    return 0.0;
  }

  // --- AUC --------------------------------------------------------------------------------------

  /**
   * Area under the ROC curve of one user's full ranking (key {@code auc}): the fraction of
   * (relevant, non-relevant) candidate pairs in which the relevant candidate scores higher, a tie
   * counting one half (the Mann-Whitney U statistic over {@code |P| |N|}).
   *
   * <p>Computed from ranks rather than pairs: sort by score, give tied scores their average
   * 1-based rank, then {@code AUC = (sum of positive ranks - |P| (|P| + 1) / 2) / (|P| |N|)}.
   * This agrees with counting the pairs directly (the test oracle). {@code O(n log n)}.
   *
   * @param candidates the distinct item indices that could be recommended (training items
   *     normally removed); relevant items that are not candidates are ignored
   * @param scores {@code scores[j]} is the score of {@code candidates[j]}; not NaN
   * @param relevant the user's relevant items, strictly increasing
   * @return the AUC, or NaN when no candidate is relevant or every candidate is (undefined)
   */
  public static double auc(int[] candidates, float[] scores, int[] relevant) {
    if (candidates.length != scores.length) {
      throw new IllegalArgumentException("candidates and scores differ in length: " + candidates.length + " vs "
          + scores.length);
    }
    checkStrictlyIncreasing(relevant);
    int n = candidates.length;
    boolean[] positive = new boolean[n];
    long[] keys = new long[n]; // sortable score bits above, candidate position below: one primitive sort
    int numPositive = 0;
    for (int j = 0; j < n; j++) {
      float s = scores[j];
      if (Float.isNaN(s)) {
        throw new IllegalArgumentException("score of candidate " + candidates[j] + " (position " + j + ") is NaN");
      }
      keys[j] = (long) sortableBits(s + 0f) << 32 | j; // + 0f folds -0.0 into +0.0 so they tie
      if (Arrays.binarySearch(relevant, candidates[j]) >= 0) {
        positive[j] = true;
        numPositive++;
      }
    }
    long numNegative = n - numPositive;
    if (numPositive == 0 || numNegative == 0) {
      return Double.NaN;
    }
    Arrays.sort(keys);
    double positiveRankSum = 0;
    for (int a = 0; a < n; ) {
      int b = a + 1;
      while (b < n && (keys[b] >> 32) == (keys[a] >> 32)) b++;
      double meanRank = (a + 1 + b) / 2.0; // ranks a+1 .. b share their mean
      for (int c = a; c < b; c++) {
        if (positive[(int) keys[c]]) positiveRankSum += meanRank;
      }
      a = b;
    }
    double u = positiveRankSum - numPositive * (numPositive + 1.0) / 2.0;
    return u / (numPositive * (double) numNegative);
  }

  /** An int whose signed order is the float order (for non-NaN floats). */
  private static int sortableBits(float f) {
    int bits = Float.floatToIntBits(f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  // --- checks -----------------------------------------------------------------------------------

  private static int cutoff(boolean[] hits, int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    return Math.min(hits.length, k);
  }

  private static int checkedHitCount(boolean[] hits, int numRelevant, int k) {
    int h = hitCount(hits, k);
    if (numRelevant < 0 || h > numRelevant) {
      throw new IllegalArgumentException("numRelevant must be >= 0 and >= the " + h + " hits in the top " + k
          + ", got " + numRelevant);
    }
    return h;
  }

  private static void checkStrictlyIncreasing(int[] relevant) {
    for (int j = 1; j < relevant.length; j++) {
      if (relevant[j] <= relevant[j - 1]) {
        throw new IllegalArgumentException("relevant items must be strictly increasing, got " + relevant[j - 1]
            + " then " + relevant[j] + " at position " + j);
      }
    }
  }
}
