package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Top-K against the readable definition: a full sort by (score descending, id ascending). */
class TopKSelectorTest {

  record Result(int[] ids, float[] scores) {}

  static Result drain(TopKSelector top) {
    int[] ids = new int[top.size()];
    float[] scores = new float[top.size()];
    int n = top.drainSorted(ids, scores);
    assertThat(n).isEqualTo(ids.length);
    assertThat(top.size()).isZero();
    return new Result(ids, scores);
  }

  /** The oracle: ids sorted by score descending, then id ascending; NaN scores dropped. */
  static Result fullSort(float[] s, int idOffset, int k) {
    Integer[] order = IntStream.range(0, s.length).filter(j -> !Float.isNaN(s[j])).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -s[j]).thenComparingInt(j -> j));
    int n = Math.min(k, order.length);
    int[] ids = new int[n];
    float[] scores = new float[n];
    for (int r = 0; r < n; r++) {
      ids[r] = order[r] + idOffset;
      scores[r] = s[order[r]];
    }
    return new Result(ids, scores);
  }

  /** Continuous scores, or scores from 8 levels so that ties are common; a few NaN. */
  static float[] scores(SplittableRandom rng, int n, boolean ties) {
    float[] s = new float[n];
    for (int j = 0; j < n; j++) {
      s[j] = ties ? rng.nextInt(8) * 0.25f : (float) rng.nextGaussian();
      if (rng.nextInt(50) == 0) s[j] = Float.NaN;
    }
    return s;
  }

  static void assertSame(Result actual, Result expected, String what) {
    assertThat(actual.ids()).as("ids, %s", what).containsExactly(expected.ids());
    assertThat(actual.scores()).as("scores, %s", what).containsExactly(expected.scores());
  }

  @Test
  void matchesFullSortOnRandomScores() {
    for (int seed = 0; seed < 60; seed++) {
      SplittableRandom rng = new SplittableRandom(seed);
      for (int n : new int[] {1, 2, 10, 100, 1000}) {
        for (boolean ties : new boolean[] {false, true}) {
          float[] s = scores(rng, n, ties);
          for (int k : new int[] {1, 5, n}) {
            String what = "seed " + seed + " n " + n + " k " + k + (ties ? " with ties" : "");
            Result expected = fullSort(s, 0, k);

            TopKSelector inOrder = new TopKSelector(k);
            inOrder.offerAll(s, 0, n, 0);
            assertSame(drain(inOrder), expected, "offerAll " + what);

            // Arrival order must not matter: offer one at a time in a random permutation ...
            int[] perm = permutation(rng, n);
            TopKSelector shuffled = new TopKSelector(k);
            for (int j : perm) shuffled.offer(j, s[j]);
            assertSame(drain(shuffled), expected, "shuffled offer " + what);

            // ... or in chunks of offerAll visited from the last chunk to the first.
            TopKSelector backwards = new TopKSelector(k);
            int chunk = 7;
            for (int from = (n - 1) / chunk * chunk; from >= 0; from -= chunk) {
              backwards.offerAll(s, from, Math.min(n, from + chunk), 0);
            }
            assertSame(drain(backwards), expected, "offerAll by chunks, backwards " + what);
          }
        }
      }
    }
  }

  static int[] permutation(SplittableRandom rng, int n) {
    int[] p = IntStream.range(0, n).toArray();
    for (int j = n - 1; j > 0; j--) {
      int r = rng.nextInt(j + 1);
      int t = p[j];
      p[j] = p[r];
      p[r] = t;
    }
    return p;
  }

  @Test
  void tiesGoToTheLowerId() {
    TopKSelector top = new TopKSelector(2);
    top.offer(5, 1f);
    top.offer(9, 1f);
    top.offer(3, 1f);
    top.offer(7, 1f);
    assertSame(drain(top), new Result(new int[] {3, 5}, new float[] {1f, 1f}), "offer");

    // Regression: offerAll's fast reject dropped an equal score with a lower id offered later.
    TopKSelector viaAll = new TopKSelector(1);
    viaAll.offerAll(new float[] {1f}, 0, 1, 10);
    viaAll.offerAll(new float[] {1f}, 0, 1, 3);
    assertSame(drain(viaAll), new Result(new int[] {3}, new float[] {1f}), "offerAll");
  }

  @Test
  void nanIsIgnoredWhetherOrNotTheHeapIsFull() {
    TopKSelector top = new TopKSelector(2);
    top.offer(0, Float.NaN);
    assertThat(top.size()).isZero();
    top.offer(1, -5f);
    top.offer(2, -6f);
    top.offer(3, Float.NaN);
    top.offerAll(new float[] {Float.NaN, Float.NaN}, 0, 2, 10);
    assertSame(drain(top), new Result(new int[] {1, 2}, new float[] {-5f, -6f}), "NaN");
  }

  @Test
  void negativeInfinityIsKeptWhileThereIsRoom() {
    // FactorRecommender masks items with -inf and trims them from the drained list.
    TopKSelector top = new TopKSelector(3);
    top.offerAll(new float[] {Float.NEGATIVE_INFINITY, 2f}, 0, 2, 0);
    assertSame(drain(top), new Result(new int[] {1, 0}, new float[] {2f, Float.NEGATIVE_INFINITY}), "-inf");
  }

  @Test
  void thresholdIsTheWorstKeptScoreOnceFull() {
    TopKSelector top = new TopKSelector(3);
    assertThat(top.capacity()).isEqualTo(3);
    top.offer(0, 4f);
    top.offer(1, 2f);
    assertThat(top.threshold()).isEqualTo(Float.NEGATIVE_INFINITY);
    top.offer(2, 3f);
    assertThat(top.threshold()).isEqualTo(2f);
    top.offer(3, 5f);
    assertThat(top.threshold()).isEqualTo(3f);
    assertThat(top.size()).isEqualTo(3);
  }

  @Test
  void resetAllowsReuse() {
    SplittableRandom rng = new SplittableRandom(5);
    float[] a = scores(rng, 300, false);
    float[] b = scores(rng, 300, true);
    TopKSelector top = new TopKSelector(10);
    top.offerAll(a, 0, a.length, 0);
    top.reset();
    assertThat(top.size()).isZero();
    assertThat(top.threshold()).isEqualTo(Float.NEGATIVE_INFINITY);
    top.offerAll(b, 0, b.length, 0);
    assertSame(drain(top), fullSort(b, 0, 10), "after reset");
    // drainSorted empties it too: a second round starts clean.
    top.offerAll(a, 0, a.length, 0);
    assertSame(drain(top), fullSort(a, 0, 10), "after drain");
  }

  @Test
  void offerAllMapsIndicesToIdsWithTheOffset() {
    float[] s = {9f, 1f, 5f, 7f, 3f, 8f, 6f, 10f};
    TopKSelector top = new TopKSelector(3);
    top.offerAll(s, 2, 7, 1000); // s[2..7) = 5, 7, 3, 8, 6 under ids 1002..1006
    assertSame(drain(top), new Result(new int[] {1005, 1003, 1006}, new float[] {8f, 7f, 6f}), "subrange");

    SplittableRandom rng = new SplittableRandom(11);
    float[] big = scores(rng, 5000, true);
    TopKSelector tiled = new TopKSelector(20);
    for (int from = 0; from < big.length; from += 1024) {
      int len = Math.min(1024, big.length - from);
      tiled.offerAll(Arrays.copyOfRange(big, from, from + len), 0, len, from);
    }
    assertSame(drain(tiled), fullSort(big, 0, 20), "tiles with offsets");
  }

  @Test
  void fewerCandidatesThanKDrainsThemAll() {
    TopKSelector top = new TopKSelector(10);
    top.offerAll(new float[] {1f, 3f, 2f}, 0, 3, 0);
    assertSame(drain(top), new Result(new int[] {1, 2, 0}, new float[] {3f, 2f, 1f}), "k > n");
  }

  @Test
  void nonPositiveKIsRejected() {
    assertThatThrownBy(() -> new TopKSelector(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be positive, got 0");
  }
}
