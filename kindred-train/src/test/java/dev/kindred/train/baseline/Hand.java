package dev.kindred.train.baseline;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;

/** Small hand-written interaction sets for the baseline tests. */
final class Hand {

  private Hand() {}

  /** {@code rows[u]} lists user u's items; {@code values} (may be null: all 1) runs parallel. */
  static Interactions of(int items, int[][] rows, float[][] values) {
    int n = 0;
    for (int[] r : rows) n += r.length;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    int w = 0;
    for (int x = 0; x < rows.length; x++) {
      for (int y = 0; y < rows[x].length; y++) {
        u[w] = x;
        i[w] = rows[x][y];
        v[w] = values == null ? 1f : values[x][y];
        w++;
      }
    }
    return Interactions.fromCoo(IdIndex.identity(rows.length), IdIndex.identity(items), rows.length, items, u, i, v,
        null, n, DuplicatePolicy.LAST);
  }

  /**
   * The 4 x 4 case of the kNN tests: u0 {0, 1}, u1 {0, 1, 2}, u2 {1, 2}, u3 {0, 3}. Item columns
   * have 3, 3, 2, 1 users; co-occurrences (0,1) = 2, (0,2) = 1, (0,3) = 1, (1,2) = 2.
   */
  static Interactions fourByFour() {
    return of(4, new int[][] {{0, 1}, {0, 1, 2}, {1, 2}, {0, 3}}, null);
  }
}
