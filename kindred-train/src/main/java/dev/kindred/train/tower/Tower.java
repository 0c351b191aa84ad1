package dev.kindred.train.tower;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Kernels;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.hybrid.EmbeddingTable;
import dev.kindred.train.hybrid.FeatureRows;
import dev.kindred.train.nn.Optimizer;
import dev.kindred.train.nn.OptimizerConfig;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One tower (users or items) of {@link TwoTowerTrainer}: input {@code x_e = [id_e ; bag_e]}, the
 * entity's id embedding (when the tower has ids) and the weighted sum of its side features'
 * embeddings (hybrid's {@link EmbeddingTable} and {@link FeatureRows}, the rows
 * {@code FeatureSpace} built), through a {@link DenseStack} to {@code h_e}, then optionally
 * {@code y_e = h_e / |h_e|}. An entity without training interactions has a zero id part: its id
 * embedding was never trained, so a cold entity is its features alone.
 *
 * <p>Parameters and their optimisers: both embedding tables step lazily by rows ({@link RowGradients},
 * {@link Optimizer#stepRows}), the dense stack densely. Not thread-safe: one fit drives it;
 * {@link #encode} allocates its scratch and may be called concurrently once training is over.
 */
final class Tower {

  private static final float MIN_NORM = 1e-12f;

  private final int dim;
  private final FeatureRows idRows;
  private final EmbeddingTable ids;
  private final FeatureRows featureRows;
  private final EmbeddingTable features;
  private final boolean[] trained;
  private final int sideFeatureCount;
  final DenseStack mlp;
  private final boolean normalize;
  private final int inputWidth;
  private final int idWidth;
  private final Optimizer idOptimizer;
  private final Optimizer featureOptimizer;
  private final Optimizer mlpOptimizer;
  final RowGradients idGrad;
  final RowGradients featureGrad;
  final float[] mlpGrad;
  private int capacity;
  private float[][] acts = new float[0][];
  private float[][] grads = new float[0][];
  private float[] out = new float[0];
  private float[] norms = new float[0];
  private int[] batch = new int[0];
  private boolean[] dropped = new boolean[0];
  private float[][] bags = new float[0][];

  /**
   * @param entities entities of this side
   * @param side their side features (null: none)
   * @param degree each entity's training interactions (0: its id part stays zero)
   */
  Tower(int entities, CsrMatrix side, int[] degree, TwoTowerConfig config, SplittableRandom rng) {
    this.dim = config.embeddingDim();
    boolean withIds = config.identity() || side == null;
    idRows = withIds ? FeatureRows.of(entities, null, true) : null;
    ids = withIds ? EmbeddingTable.unmanaged(entities, dim, rng.split()) : null;
    featureRows = side == null ? null : FeatureRows.of(entities, side, false);
    features = side == null ? null : EmbeddingTable.unmanaged(Math.max(1, side.cols()), dim, rng.split());
    sideFeatureCount = side == null ? 0 : side.cols();
    trained = new boolean[entities];
    for (int e = 0; e < entities; e++) trained[e] = degree[e] > 0;
    idWidth = withIds ? dim : 0;
    inputWidth = idWidth + (side == null ? 0 : dim);
    int[] widths = new int[config.hidden().size() + 2];
    widths[0] = inputWidth;
    for (int l = 0; l < config.hidden().size(); l++) widths[l + 1] = config.hidden().get(l);
    widths[widths.length - 1] = config.factors();
    mlp = new DenseStack(widths, rng.split());
    normalize = config.normalize();
    OptimizerConfig adam = OptimizerConfig.DEFAULTS.withLearningRate(config.learningRate());
    idOptimizer = withIds ? new Optimizer(adam, ids.emb.length) : null;
    featureOptimizer = side == null ? null : new Optimizer(adam, features.emb.length);
    mlpOptimizer = new Optimizer(adam, mlp.params.length);
    idGrad = withIds ? new RowGradients(entities, dim) : null;
    featureGrad = side == null ? null : new RowGradients(features.emb.length / dim, dim);
    mlpGrad = new float[mlp.params.length];
  }

  int factors() {
    return mlp.widths[mlp.layers()];
  }

  int sideFeatures() {
    return sideFeatureCount;
  }

  /** Parameter arrays, for the gradient check: id table, feature table, dense stack (absent ones null). */
  float[][] parameters() {
    return new float[][] {ids == null ? null : ids.emb, features == null ? null : features.emb, mlp.params};
  }

  /**
   * The outputs {@code y} of entities {@code entities[0 .. rows)}, row-major {@code rows x factors}
   * (a view of this tower's scratch, valid until the next call).
   */
  float[] forward(MatrixProduct product, WorkerPool pool, int[] entities, int rows) {
    return forward(product, pool, entities, null, rows);
  }

  /**
   * As {@link #forward(MatrixProduct, WorkerPool, int[], int)}, with the id part of row {@code r}
   * zeroed where {@code dropId[r]} (null: none), as for an entity without interactions (id dropout).
   */
  float[] forward(MatrixProduct product, WorkerPool pool, int[] entities, boolean[] dropId, int rows) {
    ensure(rows);
    System.arraycopy(entities, 0, batch, 0, rows);
    for (int r = 0; r < rows; r++) dropped[r] = dropId != null && dropId[r];
    float[] x = acts[0];
    if (bags.length < pool.threads()) bags = new float[pool.threads()][dim];
    pool.forEachShared(rows, (w, r) -> gather(batch[r], !dropped[r], x, r * inputWidth, bags[w]));
    mlp.forward(product, acts, rows);
    int k = factors();
    float[] h = acts[mlp.layers()];
    if (!normalize) return h;
    Kernels kern = VectorOps.kernels();
    for (int r = 0; r < rows; r++) {
      float n = (float) Math.sqrt(kern.dot(h, r * k, h, r * k, k));
      norms[r] = Math.max(n, MIN_NORM);
      System.arraycopy(h, r * k, out, r * k, k);
      kern.scale(out, r * k, k, 1f / norms[r]);
    }
    return out;
  }

  /**
   * Adds the gradient of the loss with respect to this tower's parameters, given {@code gradY}
   * ({@code rows x factors}, the loss's gradient with respect to the last {@link #forward}'s
   * outputs), plus the L2 penalty's; returns the penalty. {@code gradY} is left unchanged.
   */
  double backward(MatrixProduct product, float[] gradY, int rows, float l2) {
    int k = factors();
    int top = mlp.layers();
    float[] gh = grads[top];
    System.arraycopy(gradY, 0, gh, 0, rows * k);
    if (normalize) {
      // y = h / |h|: dL/dh = (g - y (y . g)) / |h|.
      Kernels kern = VectorOps.kernels();
      for (int r = 0; r < rows; r++) {
        float yg = kern.dot(out, r * k, gh, r * k, k);
        kern.axpy(-yg, out, r * k, gh, r * k, k);
        kern.scale(gh, r * k, k, 1f / norms[r]);
      }
    }
    mlp.backward(product, acts, grads, rows, mlpGrad);
    float[] gx = grads[0];
    for (int r = 0; r < rows; r++) {
      int e = batch[r];
      int o = r * inputWidth;
      if (ids != null && trained[e] && !dropped[r]) idGrad.add(e, 1f, gx, o);
      if (features != null) {
        for (int p = featureRows.ptr[e]; p < featureRows.ptr[e + 1]; p++) {
          featureGrad.add(featureRows.idx[p], featureRows.weight[p], gx, o + idWidth);
        }
      }
    }
    double penalty = mlp.addWeightPenalty(l2, mlpGrad);
    if (ids != null) penalty += idGrad.addPenalty(l2, ids.emb);
    if (features != null) penalty += featureGrad.addPenalty(l2, features.emb);
    return penalty;
  }

  /** One optimiser step of every parameter from the gradients added since the last step, which it clears. */
  void step(WorkerPool pool) {
    if (ids != null) idGrad.step(idOptimizer, ids.emb);
    if (features != null) featureGrad.step(featureOptimizer, features.emb);
    mlpOptimizer.stepDense(mlp.params, mlpGrad, 1f, pool);
    Arrays.fill(mlpGrad, 0f);
  }

  /** Forgets the gradients added since the last step without stepping. */
  void clearGradients() {
    if (idGrad != null) idGrad.clear();
    if (featureGrad != null) featureGrad.clear();
    Arrays.fill(mlpGrad, 0f);
  }

  /** Every entity's output, in batches of {@code batchRows}. */
  FactorMatrix outputs(MatrixProduct product, WorkerPool pool, int entities, int batchRows) {
    int k = factors();
    FactorMatrix m = new FactorMatrix(entities, k);
    int[] chunk = new int[batchRows];
    for (int from = 0; from < entities; from += batchRows) {
      int rows = Math.min(batchRows, entities - from);
      for (int r = 0; r < rows; r++) chunk[r] = from + r;
      float[] y = forward(product, pool, chunk, rows);
      for (int r = 0; r < rows; r++) m.setRow(from + r, y, r * k);
    }
    return m;
  }

  /**
   * The output of a new entity with side features {@code idx[0 .. count)} weighted by
   * {@code weight}: zero id part, as for an entity without training interactions.
   */
  void encode(int[] idx, float[] weight, int count, float[] y) {
    int nf = sideFeatures();
    float[] x = new float[inputWidth];
    Kernels kern = VectorOps.kernels();
    for (int p = 0; p < count; p++) {
      if (idx[p] < 0 || idx[p] >= nf) {
        throw new IllegalArgumentException("feature " + idx[p] + " at position " + p + " outside [0, " + nf + ")");
      }
      if (!Float.isFinite(weight[p])) {
        throw new IllegalArgumentException("feature " + idx[p] + " has weight " + weight[p]);
      }
      kern.axpy(weight[p], features.emb, idx[p] * dim, x, idWidth, dim);
    }
    float[] h = mlp.forwardRow(x);
    int k = factors();
    System.arraycopy(h, 0, y, 0, k);
    if (normalize) {
      float n = Math.max((float) Math.sqrt(kern.dot(h, 0, h, 0, k)), MIN_NORM);
      kern.scale(y, 0, k, 1f / n);
    }
  }

  /** Entity {@code e}'s input row into {@code x[o .. o + inputWidth)}; {@code bag} is the worker's scratch. */
  private void gather(int e, boolean withId, float[] x, int o, float[] bag) {
    if (ids != null) {
      if (trained[e] && withId) ids.repr(idRows, e, bag);
      else Arrays.fill(bag, 0f);
      System.arraycopy(bag, 0, x, o, dim);
    }
    if (features != null) {
      features.repr(featureRows, e, bag);
      System.arraycopy(bag, 0, x, o + idWidth, dim);
    }
  }

  private void ensure(int rows) {
    if (rows <= capacity) return;
    capacity = rows;
    int layers = mlp.layers();
    acts = new float[layers + 1][];
    grads = new float[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      acts[l] = new float[rows * mlp.widths[l]];
      grads[l] = new float[rows * mlp.widths[l]];
    }
    out = new float[rows * factors()];
    norms = new float[rows];
    batch = new int[rows];
    dropped = new boolean[rows];
  }
}
