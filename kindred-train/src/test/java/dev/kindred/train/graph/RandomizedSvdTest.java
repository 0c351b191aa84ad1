package dev.kindred.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * The randomized SVD against EJML's dense SVD of the same matrix. A sparse random matrix has a
 * slowly decaying spectrum, the hard case for a sketch; with 6 power iterations and 16 extra
 * columns the top 10 singular values must agree within 1e-3 relative and the subspace must be
 * captured: {@code ||V_exact^T V||_F^2 >= rank - 0.02} (it equals {@code rank} for the same subspace).
 */
class RandomizedSvdTest {

  @Test
  void topSingularTripletsMatchTheDenseSvd() {
    int m = 120;
    int n = 90;
    int rank = 10;
    SplittableRandom rng = new SplittableRandom(4);
    int[] ptr = new int[m + 1];
    int[] idx = new int[m * n];
    float[] val = new float[m * n];
    int w = 0;
    DMatrixRMaj dense = new DMatrixRMaj(m, n);
    for (int r = 0; r < m; r++) {
      for (int c = 0; c < n; c++) {
        if (rng.nextDouble() < 0.1) {
          // A planted rank-2 part on top of noise gives a clear gap after two values.
          float v = (float) (rng.nextDouble() + ((r % 3 == 0) == (c % 2 == 0) ? 1 : 0));
          idx[w] = c;
          val[w++] = v;
          dense.set(r, c, v);
        }
      }
      ptr[r + 1] = w;
    }
    CsrMatrix a = new CsrMatrix(m, n, ptr, Arrays.copyOf(idx, w), Arrays.copyOf(val, w));
    RandomizedSvd.Result got;
    try (WorkerPool pool = WorkerPool.create(2, "svd-test")) {
      got = new RandomizedSvd(a, a.transpose(), RandomizedSvd.sketchWidth(rank, 16), pool).run(rank, 6, 11);
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, false, true, false);
    assertThat(svd.decompose(dense)).isTrue();
    double[] sigma = svd.getSingularValues().clone();
    DMatrixRMaj vt = svd.getV(null, true);
    Integer[] order = new Integer[sigma.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (i, j) -> Double.compare(sigma[j], sigma[i]));
    double captured = 0;
    for (int c = 0; c < rank; c++) {
      int e = order[c];
      assertThat(got.singularValues()[c]).as("sigma_%d", c).isCloseTo(sigma[e], within(1e-3 * sigma[e]));
      for (int k = 0; k < rank; k++) {
        double dot = 0;
        for (int i = 0; i < n; i++) dot += vt.get(e, i) * got.v()[i * rank + k];
        captured += dot * dot;
      }
    }
    assertThat(captured).isGreaterThanOrEqualTo(rank - 0.02);
  }
}
