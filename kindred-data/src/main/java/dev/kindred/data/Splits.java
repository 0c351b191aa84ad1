package dev.kindred.data;

import dev.kindred.core.Interactions;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Train/test splits. Every split marks CSR positions and cuts both parts with
 * {@link Interactions#select}, so train and test share dimensions and indices, are disjoint and
 * together hold the input. Random splits draw from one {@link SplittableRandom} seeded with
 * {@code seed}, in CSR order: the same seed gives the same split.
 *
 * <p>Fractions are rounded half up to counts. Time O(pairs) (temporal splits O(pairs log pairs)
 * for their sort), one boolean per pair. Stateless and thread-safe.
 */
public final class Splits {

  private Splits() {}

  /** Exactly {@code round(testFraction * pairs)} pairs, drawn uniformly, go to test. */
  public static Split randomHoldout(Interactions data, double testFraction, long seed) {
    checkFraction(testFraction);
    int n = data.size();
    boolean[] test = new boolean[n];
    selectUniformly(test, 0, n, (int) Math.round(testFraction * n), new SplittableRandom(seed));
    return cut(data, test);
  }

  /**
   * Per-user stratified holdout: of a user's {@code d} pairs, {@code round(testFraction * d)}
   * drawn uniformly go to test, but at least 1 when {@code d >= 2} and never all; users with one
   * pair keep it in train.
   */
  public static Split perUser(Interactions data, double testFraction, long seed) {
    checkFraction(testFraction);
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean[] test = new boolean[data.size()];
    int[] ptr = data.userPtr();
    for (int u = 0; u < data.numUsers(); u++) {
      int d = ptr[u + 1] - ptr[u];
      if (d >= 2) {
        int k = (int) Math.min(d - 1, Math.max(1, Math.round(testFraction * d)));
        selectUniformly(test, ptr[u], ptr[u + 1], k, rnd);
      }
    }
    return cut(data, test);
  }

  /** Pairs with timestamp {@code >= cutoffTs} go to test. */
  public static Split temporalCutoff(Interactions data, long cutoffTs) {
    long[] ts = timestamps(data, "temporalCutoff");
    boolean[] test = new boolean[ts.length];
    for (int j = 0; j < ts.length; j++) {
      test[j] = ts[j] >= cutoffTs;
    }
    return cut(data, test);
  }

  /**
   * The latest {@code round(testFraction * pairs)} pairs overall go to test: a global time
   * quantile. Among pairs with the timestamp at the cut, those later in CSR order go to test
   * first, so the count is exact.
   */
  public static Split temporalFraction(Interactions data, double testFraction) {
    checkFraction(testFraction);
    long[] ts = timestamps(data, "temporalFraction");
    int n = ts.length;
    int k = (int) Math.round(testFraction * n);
    boolean[] test = new boolean[n];
    if (k > 0) {
      long[] sorted = ts.clone();
      Arrays.sort(sorted);
      long cut = sorted[n - k];
      int above = 0;
      for (long t : ts) {
        if (t > cut) {
          above++;
        }
      }
      int atCut = k - above; // this many pairs stamped exactly `cut` join the test set, latest in CSR order
      for (int j = n - 1; j >= 0; j--) {
        if (ts[j] > cut) {
          test[j] = true;
        } else if (ts[j] == cut && atCut > 0) {
          test[j] = true;
          atCut--;
        }
      }
    }
    return cut(data, test);
  }

  /**
   * Each user's {@code k} latest pairs (by timestamp; on equal timestamps the later CSR position,
   * i.e. the larger item index, counts as later) go to test; users with {@code k} pairs or fewer
   * keep all in train.
   */
  public static Split leaveLastOut(Interactions data, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    long[] ts = timestamps(data, "leaveLastOut");
    boolean[] test = new boolean[ts.length];
    int[] ptr = data.userPtr();
    int[] order = new int[16];
    for (int u = 0; u < data.numUsers(); u++) {
      int from = ptr[u];
      int to = ptr[u + 1];
      int d = to - from;
      if (d <= k) {
        continue;
      }
      if (k == 1) {
        int last = from;
        for (int j = from + 1; j < to; j++) {
          if (ts[j] >= ts[last]) {
            last = j;
          }
        }
        test[last] = true;
        continue;
      }
      if (order.length < d) {
        order = new int[Math.max(d, order.length * 2)];
      }
      for (int a = 0; a < d; a++) {
        order[a] = from + a;
      }
      IntArrays.quickSort(order, 0, d, (a, b) -> ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Integer.compare(a, b));
      for (int a = d - k; a < d; a++) {
        test[order[a]] = true;
      }
    }
    return cut(data, test);
  }

  /** Marks exactly {@code k} of {@code [from, to)} uniformly (Knuth's selection sampling, TAOCP 3.4.2 S). */
  private static void selectUniformly(boolean[] mark, int from, int to, int k, SplittableRandom rnd) {
    int need = k;
    for (int j = from; j < to && need > 0; j++) {
      if (rnd.nextInt(to - j) < need) {
        mark[j] = true;
        need--;
      }
    }
  }

  private static Split cut(Interactions data, boolean[] test) {
    boolean[] train = new boolean[test.length];
    for (int j = 0; j < test.length; j++) {
      train[j] = !test[j];
    }
    return new Split(data.select(train), data.select(test));
  }

  private static long[] timestamps(Interactions data, String split) {
    if (!data.hasTimestamps()) {
      throw new IllegalArgumentException(split + " needs timestamps, and the data has none; use randomHoldout or "
          + "perUser");
    }
    return data.timestamps();
  }

  private static void checkFraction(double f) {
    if (!(f > 0 && f < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + f);
    }
  }
}
