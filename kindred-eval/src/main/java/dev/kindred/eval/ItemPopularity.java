package dev.kindred.eval;

import dev.kindred.core.Interactions;
import java.util.Arrays;

/**
 * Popularity-based beyond-accuracy metrics of one ranked list, from the training interactions:
 * novelty, average recommendation popularity and long-tail share. Popularity is an item's
 * training degree {@code d(i)}, the number of training users who interacted with it.
 *
 * <ul>
 *   <li>{@code novelty@K}: mean self-information of the list's items,
 *       {@code (1 / n) sum over the first n = min(len, K) items of -log2(max(d(i), 1) / |U|)},
 *       with {@code |U|} the number of users with a training interaction. Zhou et al., "Solving the
 *       apparent diversity-accuracy dilemma of recommender systems", PNAS 107(10) 2010,
 *       doi:10.1073/pnas.1000488107 ({@code N_u} there). Departure: an item never seen in
 *       training counts as degree 1 (otherwise its self-information is infinite).
 *   <li>{@code avg_popularity@K}: mean {@code d(i)} of the list's first n items (ARP of
 *       Abdollahpouri, Burke, Mobasher, "Managing popularity bias in recommender systems with
 *       personalized re-ranking", FLAIRS 2019, arXiv:1901.07555).
 *   <li>{@code long_tail_share@K}: the fraction of the list's first n items outside the head, the
 *       head being the fewest most popular items that together hold at least 80% of the training
 *       interactions (APLT of the same paper, with its 80/20 head). Ties at the head's edge are
 *       broken by item index, so the head is deterministic.
 * </ul>
 * All three divide by n, the list's actual length up to K, so a short list is not penalised; an
 * empty list scores NaN (the evaluator never produces one for a user with candidates left).
 *
 * <p>Cost: {@code O(items log items)} to build, {@code O(min(len, K))} per list; {@code 4 items}
 * bytes of degrees plus {@code items / 8} of head bits. Immutable and thread-safe.
 */
public final class ItemPopularity {

  /** The head holds this share of the training interactions. */
  public static final double HEAD_SHARE = 0.8;

  private final int[] degree;
  private final int users;
  private final boolean[] head;
  private final int headSize;

  private ItemPopularity(int[] degree, int users) {
    this.degree = degree;
    this.users = Math.max(users, 1);
    this.head = new boolean[degree.length];
    long total = 0;
    for (int d : degree) total += d;
    Integer[] byDegree = new Integer[degree.length];
    for (int i = 0; i < degree.length; i++) byDegree[i] = i;
    Arrays.sort(byDegree, (a, b) -> degree[a] != degree[b] ? Integer.compare(degree[b], degree[a]) : Integer.compare(a, b));
    long covered = 0;
    int n = 0;
    while (n < byDegree.length && covered < HEAD_SHARE * total) {
      covered += degree[byDegree[n]];
      head[byDegree[n]] = true;
      n++;
    }
    this.headSize = n;
  }

  /** Item degrees and user count of {@code train}; the catalog is {@code train.numItems()}. */
  public static ItemPopularity of(Interactions train) {
    int[] degree = new int[train.numItems()];
    for (int i = 0; i < degree.length; i++) degree[i] = train.itemDegree(i);
    return new ItemPopularity(degree, train.activeUsers());
  }

  /**
   * From explicit degrees (tests, or a popularity known elsewhere).
   *
   * @param degree {@code degree[i]} = users who interacted with item i, each {@code >= 0}
   * @param users the user count {@code |U|}, positive
   */
  public static ItemPopularity of(int[] degree, int users) {
    if (users <= 0) throw new IllegalArgumentException("users must be positive, got " + users);
    for (int i = 0; i < degree.length; i++) {
      if (degree[i] < 0) throw new IllegalArgumentException("degree of item " + i + " is negative: " + degree[i]);
    }
    return new ItemPopularity(degree.clone(), users);
  }

  public int numItems() {
    return degree.length;
  }

  /** Number of items in the head. */
  public int headSize() {
    return headSize;
  }

  public boolean inHead(int item) {
    return head[item];
  }

  public int degree(int item) {
    return degree[item];
  }

  /** {@code novelty@K} of one list, best first. */
  public double novelty(int[] ranked, int k) {
    int n = length(ranked, k);
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum -= Math.log((double) Math.max(degree[ranked[r]], 1) / users);
    }
    return sum / Math.log(2) / n;
  }

  /** {@code avg_popularity@K} of one list, best first. */
  public double averagePopularity(int[] ranked, int k) {
    int n = length(ranked, k);
    long sum = 0;
    for (int r = 0; r < n; r++) sum += degree[ranked[r]];
    return (double) sum / n;
  }

  /** {@code long_tail_share@K} of one list, best first. */
  public double longTailShare(int[] ranked, int k) {
    int n = length(ranked, k);
    int tail = 0;
    for (int r = 0; r < n; r++) {
      if (!head[ranked[r]]) tail++;
    }
    return (double) tail / n;
  }

  private int length(int[] ranked, int k) {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    int n = Math.min(ranked.length, k);
    for (int r = 0; r < n; r++) {
      if (ranked[r] < 0 || ranked[r] >= degree.length) {
        throw new IllegalArgumentException("item " + ranked[r] + " at rank " + (r + 1) + " outside the catalog [0, "
            + degree.length + ")");
      }
    }
    return n;
  }
}
