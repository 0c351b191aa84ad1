package dev.kindred.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.nn.SharedNegativeSoftmax;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch-restricted forward and sparse-first-step backward of {@link LightGcnObjective} against
 * an independent dense oracle in double precision: {@code F = 1/(K+1) sum_l A^l E} with the full
 * adjacency matrix, the loss written out from the paper, and its gradient by central finite
 * differences of the oracle.
 *
 * <p>Tolerances: the loss in float against double, {@value #LOSS_TOL} (sums of a few dozen terms
 * of magnitude below 1). The gradient against central differences of the double oracle with step
 * {@code h = 1e-4}: truncation error {@code O(h^2)} is about 1e-8 and rounding about 1e-12 / h, so
 * {@value #GRAD_TOL} absolute bounds the float gradient's own rounding with a wide margin while a
 * missing layer or a wrong transpose moves entries by 1e-2 or more.
 */
class LightGcnObjectiveTest {

  static final double LOSS_TOL = 1e-5;
  static final double GRAD_TOL = 2e-5;
  static final int USERS = 6;
  static final int ITEMS = 7; // item 6 has no interactions: an empty row must be handled
  static final int K = 5;
  static final int[][] EDGES = {{0, 0}, {0, 1}, {0, 3}, {1, 1}, {1, 2}, {2, 0}, {2, 4}, {2, 5}, {3, 3}, {3, 4},
      {4, 1}, {4, 5}, {5, 2}, {5, 3}, {5, 5}};
  // Repeated users and items in one batch on purpose; negative 6 is the empty item.
  static final int[] U = {0, 2, 5, 0, 3};
  static final int[] P = {1, 4, 3, 3, 4};
  static final int[] N = {2, 6, 0, 4, 1};
  static final float LAMBDA = 0.05f;

  static Interactions graph() {
    int n = EDGES.length;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int e = 0; e < n; e++) {
      u[e] = EDGES[e][0];
      i[e] = EDGES[e][1];
      v[e] = 1f;
    }
    return Interactions.fromCoo(IdIndex.identity(USERS), IdIndex.identity(ITEMS), USERS, ITEMS, u, i, v, null, n,
        DuplicatePolicy.values()[0]);
  }

  static final float TAU = 0.5f;
  static final int POOL = 4; // the pool {2, 6, 0, 4} holds positive 4 of two triples: masked there

  /** Dense oracle: the BPR loss at (eu, ei) in double. */
  static double oracleLoss(double[] eu, double[] ei, int layers) {
    return oracleLoss(eu, ei, layers, 0);
  }

  /** Dense oracle: the loss at (eu, ei) in double; BPR for {@code pool == 0}, else softmax over the first {@code pool} negatives. */
  static double oracleLoss(double[] eu, double[] ei, int layers, int pool) {
    int nodes = USERS + ITEMS;
    double[][] a = new double[nodes][nodes];
    int[] deg = new int[nodes];
    for (int[] e : EDGES) {
      deg[e[0]]++;
      deg[USERS + e[1]]++;
    }
    for (int[] e : EDGES) {
      double w = 1 / Math.sqrt((double) deg[e[0]] * deg[USERS + e[1]]);
      a[e[0]][USERS + e[1]] = w;
      a[USERS + e[1]][e[0]] = w;
    }
    double[][] layer = new double[nodes][K];
    for (int r = 0; r < USERS; r++) System.arraycopy(eu, r * K, layer[r], 0, K);
    for (int r = 0; r < ITEMS; r++) System.arraycopy(ei, r * K, layer[USERS + r], 0, K);
    double[][] f = new double[nodes][K];
    for (int l = 0; l <= layers; l++) {
      for (int r = 0; r < nodes; r++) for (int d = 0; d < K; d++) f[r][d] += layer[r][d] / (layers + 1);
      double[][] next = new double[nodes][K];
      for (int r = 0; r < nodes; r++) {
        for (int c = 0; c < nodes; c++) {
          if (a[r][c] != 0) for (int d = 0; d < K; d++) next[r][d] += a[r][c] * layer[c][d];
        }
      }
      layer = next;
    }
    double loss = 0;
    double reg = 0;
    if (pool > 0) {
      for (int b = 0; b < U.length; b++) {
        double z0 = dot(f[U[b]], f[USERS + P[b]]) / TAU;
        double sum = Math.exp(z0);
        for (int s = 0; s < pool; s++) {
          if (N[s] != P[b]) sum += Math.exp(dot(f[U[b]], f[USERS + N[s]]) / TAU);
        }
        loss += Math.log(sum) - z0;
        reg += dot(eu, U[b] * K, eu, U[b] * K) + dot(ei, P[b] * K, ei, P[b] * K);
      }
      for (int s = 0; s < pool; s++) reg += dot(ei, N[s] * K, ei, N[s] * K);
      return loss / U.length + LAMBDA / 2 * reg / U.length;
    }
    for (int b = 0; b < U.length; b++) {
      double x = 0;
      for (int d = 0; d < K; d++) x += f[U[b]][d] * (f[USERS + P[b]][d] - f[USERS + N[b]][d]);
      loss += Math.log1p(Math.exp(-x));
      for (int d = 0; d < K; d++) {
        reg += eu[U[b] * K + d] * eu[U[b] * K + d] + ei[P[b] * K + d] * ei[P[b] * K + d]
            + ei[N[b] * K + d] * ei[N[b] * K + d];
      }
    }
    return loss / U.length + LAMBDA / 2 * reg / U.length;
  }

  static double dot(double[] a, double[] b) {
    return dot(a, 0, b, 0);
  }

  static double dot(double[] a, int ao, double[] b, int bo) {
    double x = 0;
    for (int d = 0; d < K; d++) x += a[ao + d] * b[bo + d];
    return x;
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int j = 0; j < n; j++) a[j] = (float) (r.nextDouble() * 2 - 1);
    return a;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int j = 0; j < a.length; j++) d[j] = a[j];
    return d;
  }

  /**
   * Every layer count, with the restricted schedule forced (any batch) and the full one forced, for
   * BPR (pool 0) and the shared-pool softmax.
   */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> schedules() {
    return java.util.stream.IntStream.rangeClosed(0, 4).boxed().flatMap(l -> java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(l, 10.0, 0), org.junit.jupiter.params.provider.Arguments.of(l, 0.0, 0),
        org.junit.jupiter.params.provider.Arguments.of(l, 10.0, POOL),
        org.junit.jupiter.params.provider.Arguments.of(l, 0.0, POOL)));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("schedules")
  void lossAndGradientMatchTheDenseOracle(int layers, double restrictBelow, int poolSize) {
    Interactions g = graph();
    LayerMeanPropagation prop = new LayerMeanPropagation(BipartiteGraph.normalized(g), K, layers);
    float[] eu = random(USERS * K, 1);
    float[] ei = random(ITEMS * K, 2);
    float[] du = new float[eu.length];
    float[] di = new float[ei.length];
    double loss;
    try (WorkerPool pool = WorkerPool.create(2, "test-lightgcn")) {
      LightGcnObjective obj = poolSize == 0 ? new LightGcnObjective(prop, K, LAMBDA, restrictBelow)
          : new LightGcnObjective(prop, K, LAMBDA, restrictBelow, new SharedNegativeSoftmax(K, TAU, pool), poolSize);
      loss = obj.evaluate(eu, ei, U, P, N, 0, U.length, du, di, pool);
      // A second call must not see the first's scratch (slot maps and gradient rows are reset).
      float[] du2 = new float[eu.length];
      float[] di2 = new float[ei.length];
      assertThat(obj.evaluate(eu, ei, U, P, N, 0, U.length, du2, di2, pool)).isEqualTo(loss);
      assertThat(du2).containsExactly(du);
      assertThat(di2).containsExactly(di);
    }
    double[] u = toDouble(eu);
    double[] i = toDouble(ei);
    assertThat(loss).isCloseTo(oracleLoss(u, i, layers, poolSize), within(LOSS_TOL));
    double h = 1e-4;
    for (double[][] side : new double[][][] {{u}, {i}}) {
      double[] x = side[0];
      float[] grad = x == u ? du : di;
      for (int j = 0; j < x.length; j++) {
        double keep = x[j];
        x[j] = keep + h;
        double up = oracleLoss(u, i, layers, poolSize);
        x[j] = keep - h;
        double down = oracleLoss(u, i, layers, poolSize);
        x[j] = keep;
        assertThat((double) grad[j]).as("%s gradient [%d], K=%d", x == u ? "user" : "item", j, layers)
            .isCloseTo((up - down) / (2 * h), within(GRAD_TOL));
      }
    }
  }

  /** The model's final embeddings (full map) equal the oracle's layer mean. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void fullMapIsTheLayerMean(int layers) {
    Interactions g = graph();
    LayerMeanPropagation prop = new LayerMeanPropagation(BipartiteGraph.normalized(g), K, layers);
    float[] eu = random(USERS * K, 3);
    float[] ei = random(ITEMS * K, 4);
    float[] fu = new float[eu.length];
    float[] fi = new float[ei.length];
    try (WorkerPool pool = WorkerPool.create(1, "test-lightgcn")) {
      prop.apply(eu, ei, fu, fi, pool);
    }
    // Layer mean by explicit layers, in double, from the same sparse structure.
    double[][] cur = {toDouble(eu), toDouble(ei)};
    double[][] sum = {cur[0].clone(), cur[1].clone()};
    int[] du = new int[USERS];
    int[] di = new int[ITEMS];
    for (int[] e : EDGES) {
      du[e[0]]++;
      di[e[1]]++;
    }
    for (int l = 0; l < layers; l++) {
      double[][] next = {new double[eu.length], new double[ei.length]};
      for (int[] e : EDGES) {
        double w = 1 / Math.sqrt((double) du[e[0]] * di[e[1]]);
        for (int d = 0; d < K; d++) {
          next[0][e[0] * K + d] += w * cur[1][e[1] * K + d];
          next[1][e[1] * K + d] += w * cur[0][e[0] * K + d];
        }
      }
      cur = next;
      for (int j = 0; j < eu.length; j++) sum[0][j] += cur[0][j];
      for (int j = 0; j < ei.length; j++) sum[1][j] += cur[1][j];
    }
    for (int j = 0; j < eu.length; j++) assertThat((double) fu[j]).isCloseTo(sum[0][j] / (layers + 1), within(1e-6));
    for (int j = 0; j < ei.length; j++) assertThat((double) fi[j]).isCloseTo(sum[1][j] / (layers + 1), within(1e-6));
  }
}
