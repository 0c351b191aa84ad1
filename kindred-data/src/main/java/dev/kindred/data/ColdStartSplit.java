package dev.kindred.data;

import dev.kindred.core.Interactions;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A cold-start split: a share of the items (or users) that have interactions is held out with
 * all their interactions, so that the model never sees them in training and must score them from
 * side features alone. Train and test share dimensions and indices ({@link Split}).
 *
 * <p>Exactly {@code round(testFraction * active)} of the active items (users) are drawn uniformly
 * with a {@link SplittableRandom} seeded with {@code seed}: the same seed gives the same split.
 * Time O(pairs + entities). Stateless and thread-safe.
 *
 * @param split the train and test interactions
 * @param heldOut the held-out item (or user) indices, increasing: the candidates to rank for
 *     cold items
 */
public record ColdStartSplit(Split split, int[] heldOut) {

  /** Holds out {@code testFraction} of the items that have interactions. */
  public static ColdStartSplit items(Interactions data, double testFraction, long seed) {
    int[] active = active(data.numItems(), data::itemDegree);
    int[] held = draw(active, testFraction, seed);
    boolean[] isHeld = mark(data.numItems(), held);
    int[] idx = data.itemIdx();
    boolean[] test = new boolean[data.size()];
    for (int j = 0; j < test.length; j++) test[j] = isHeld[idx[j]];
    return new ColdStartSplit(cut(data, test), held);
  }

  /** Holds out {@code testFraction} of the users that have interactions. */
  public static ColdStartSplit users(Interactions data, double testFraction, long seed) {
    int[] active = active(data.numUsers(), data::userDegree);
    int[] held = draw(active, testFraction, seed);
    int[] ptr = data.userPtr();
    boolean[] test = new boolean[data.size()];
    for (int u : held) Arrays.fill(test, ptr[u], ptr[u + 1], true);
    return new ColdStartSplit(cut(data, test), held);
  }

  private static int[] active(int n, java.util.function.IntUnaryOperator degree) {
    return java.util.stream.IntStream.range(0, n).filter(e -> degree.applyAsInt(e) > 0).toArray();
  }

  private static int[] draw(int[] active, double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
    }
    int k = (int) Math.round(testFraction * active.length);
    if (k == 0 || k == active.length) {
      throw new IllegalArgumentException("test fraction " + testFraction + " of " + active.length
          + " entities with interactions leaves an empty train or test side");
    }
    int[] a = active.clone();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int j = 0; j < k; j++) {
      int r = j + rng.nextInt(a.length - j);
      int t = a[j];
      a[j] = a[r];
      a[r] = t;
    }
    int[] held = Arrays.copyOf(a, k);
    Arrays.sort(held);
    return held;
  }

  private static boolean[] mark(int n, int[] held) {
    boolean[] m = new boolean[n];
    for (int e : held) m[e] = true;
    return m;
  }

  private static Split cut(Interactions data, boolean[] test) {
    boolean[] train = new boolean[test.length];
    for (int j = 0; j < test.length; j++) train[j] = !test[j];
    return new Split(data.select(train), data.select(test));
  }
}
