package dev.kindred.math;

import java.util.SplittableRandom;

/**
 * Seeded random orders of index arrays, for the per-epoch visiting orders of SGD loops and
 * fold-in. Stateless and thread-safe; the caller supplies the random stream, so a seed fixes the
 * order.
 */
public final class Shuffles {

  private Shuffles() {}

  /** {@code [0, 1, ..., n - 1]}. */
  public static int[] identity(int n) {
    int[] a = new int[n];
    for (int j = 0; j < n; j++) a[j] = j;
    return a;
  }

  /** Shuffles {@code a} in place, every permutation equally likely (Fisher-Yates, Durstenfeld's form). */
  public static void shuffle(int[] a, SplittableRandom rng) {
    for (int x = a.length - 1; x > 0; x--) {
      int y = rng.nextInt(x + 1);
      int t = a[x];
      a[x] = a[y];
      a[y] = t;
    }
  }
}
