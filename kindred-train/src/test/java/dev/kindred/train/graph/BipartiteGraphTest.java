package dev.kindred.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.SparseKernels;
import dev.kindred.math.WorkerPool;
import org.junit.jupiter.api.Test;

class BipartiteGraphTest {

  /**
   * 3 users x 4 items: u0 {0, 1}, u1 {0}, u2 none; item 3 has no users. Values 5, 2, 7 are ignored
   * (binary R). Degrees: users 2, 1, 0; items 2, 1, 0, 0. R~[u][i] = 1 / sqrt(d_u d_i):
   * (0,0) = 1/sqrt(4) = 0.5, (0,1) = 1/sqrt(2) = 0.70710677, (1,0) = 1/sqrt(2).
   */
  static Interactions tiny() {
    return Interactions.fromCoo(IdIndex.identity(3), IdIndex.identity(4), 3, 4, new int[] {0, 0, 1},
        new int[] {0, 1, 0}, new float[] {5, 2, 7}, null, 3, DuplicatePolicy.LAST);
  }

  @Test
  void normalizesByBothDegreesAndIgnoresValues() {
    BipartiteGraph g = BipartiteGraph.normalized(tiny());
    assertThat(g.numUsers()).isEqualTo(3);
    assertThat(g.numItems()).isEqualTo(4);
    assertThat(g.userDegree()).containsExactly(2, 1, 0);
    assertThat(g.itemDegree()).containsExactly(2, 1, 0, 0);
    assertThat(g.userItem().rowPtr()).containsExactly(0, 2, 3, 3);
    assertThat(g.userItem().colIdx()).containsExactly(0, 1, 0);
    assertThat(g.userItem().values()).containsExactly(new float[] {0.5f, 0.70710677f, 0.70710677f}, within(1e-7f));
    // Transpose: item 0 -> users {0, 1}, item 1 -> user 0, items 2 and 3 empty.
    assertThat(g.itemUser().rows()).isEqualTo(4);
    assertThat(g.itemUser().cols()).isEqualTo(3);
    assertThat(g.itemUser().rowPtr()).containsExactly(0, 2, 3, 3, 3);
    assertThat(g.itemUser().colIdx()).containsExactly(0, 1, 0);
    assertThat(g.itemUser().values()).containsExactly(new float[] {0.5f, 0.70710677f, 0.70710677f}, within(1e-7f));
  }

  @Test
  void largestSingularValueIsOne() {
    // The symmetric-normalised adjacency has spectral radius 1 (eigenvector sqrt(degree)), so
    // R~^T R~ sqrt(d_I) = sqrt(d_I): one power step keeps sqrt(itemDegree) fixed.
    BipartiteGraph g = BipartiteGraph.normalized(tiny());
    float[] v = new float[4];
    for (int i = 0; i < 4; i++) {
      v[i] = (float) Math.sqrt(g.itemDegree()[i]);
    }
    float[] u = new float[3];
    float[] w = new float[4];
    try (WorkerPool pool = WorkerPool.create(1, "graph-test")) {
      SparseKernels.spmm(g.userItem(), v, 1, u, pool);
      SparseKernels.spmm(g.itemUser(), u, 1, w, pool);
    }
    assertThat(w).containsExactly(v, within(1e-6f));
  }
}
