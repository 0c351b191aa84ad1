package dev.kindred.core;

import dev.kindred.math.Cholesky;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Gram;
import dev.kindred.math.Kernels;
import dev.kindred.math.Shuffles;
import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Computes a user's latent vector (and bias) from that user's interactions against a trained
 * {@link LatentFactorModel}'s fixed item factors, following the model's {@link FoldInRule}. Used
 * for new users and for users whose history changed after training.
 *
 * <p>Cost for {@code n} interactions and dimension {@code k}: ridge rules {@code O(n k^2 + k^3)}
 * (one Cholesky solve; the implicit rule reuses the item Gram matrix {@code Q^T Q}, computed once
 * per instance); SGD rules {@code O(epochs * n * k)}. Thread-safe: the Gram matrix is computed once
 * (the first callers wait for it) and then only read; every call allocates its own scratch.
 */
public final class FoldIn {

  /** A folded-in user: the latent vector and the user bias (0 for models without biases). */
  public record UserVector(float[] vector, float bias) {}

  private final LatentFactorModel model;
  private volatile float[] gram; // Q^T Q, row-major k x k, for the implicit ridge rule

  public FoldIn(LatentFactorModel model) {
    this.model = model;
  }

  /**
   * The user vector for interactions {@code items[j]} with {@code values[j]} (null values mean
   * 1 for every item).
   *
   * @throws UnsupportedOperationException if the model's rule is {@link FoldInRule.None}
   * @throws IllegalArgumentException for item indices outside the model or mismatched lengths
   */
  public UserVector userVector(int[] items, float[] values) {
    int n = model.numItems();
    if (values != null && values.length != items.length) {
      throw new IllegalArgumentException("items and values differ in length: " + items.length + " vs " + values.length);
    }
    for (int i : items) {
      if (i < 0 || i >= n) throw new IllegalArgumentException("item index " + i + " outside [0, " + n + ")");
    }
    return switch (model.foldInRule()) {
      case FoldInRule.None none -> throw new UnsupportedOperationException(
          model.provenance().algorithm() + " model has no fold-in rule");
      case FoldInRule.Ridge r -> new UserVector(ridge(r, items, values), 0f);
      case FoldInRule.Sgd g -> g.pairwise() ? sgdPairwise(g, items) : sgdSquared(g, items, values);
      case FoldInRule.Propagation p -> new UserVector(propagate(p, items), 0f);
    };
  }

  private static float value(float[] values, int j) {
    return values == null ? 1f : values[j];
  }

  /** Solves the ridge system of {@link #ridgeSystem} for the user vector. */
  private float[] ridge(FoldInRule.Ridge r, int[] items, float[] values) {
    float[] b = new float[model.dim()];
    Cholesky.factorAndSolve(ridgeSystem(r, items, values, b), model.dim(), b);
    return b;
  }

  /**
   * The normal equations {@code A x = b} of the ridge rule for a user with these interactions:
   * returns {@code A} (row-major {@code k x k}, only the lower triangle is set, which is all
   * {@link Cholesky#factor} reads) and writes {@code b} into {@code rhs}.
   *
   * <p>Explicit: {@code A = Q_u^T Q_u + lambda [n_u] I}, {@code b = Q_u^T (r_u - mu - b_i)}.
   * Implicit: {@code A = Q^T Q + Q_u^T (C_u - I) Q_u + lambda [n_u] I}, {@code b = Q_u^T C_u 1},
   * with {@code c = 1 + alpha r}. {@link Explainer} factors the same {@code A} to split a score over
   * the history.
   */
  float[] ridgeSystem(FoldInRule.Ridge r, int[] items, float[] values, float[] rhs) {
    int k = model.dim();
    FactorMatrix q = model.itemFactors();
    float[] a = r.implicit() ? gram().clone() : new float[k * k];
    java.util.Arrays.fill(rhs, 0, k, 0f);
    Kernels kern = VectorOps.kernels();
    for (int j = 0; j < items.length; j++) {
      int i = items[j];
      float w = ridgeWeight(r, values, j, i);
      addOuter(a, k, q.page(i), q.offset(i), r.implicit() ? w - 1f : 1f);
      kern.axpy(w, q.page(i), q.offset(i), rhs, 0, k);
    }
    float lambda = r.lambda() * (r.weightedLambda() ? Math.max(1, items.length) : 1);
    for (int d = 0; d < k; d++) a[d * k + d] += lambda;
    return a;
  }

  /**
   * What history entry {@code j} (item {@code i}) multiplies {@code q_i} by in the right-hand side:
   * the confidence {@code c = 1 + alpha r} (preference 1) for the implicit rule, the residual
   * {@code r - mu - b_i} for the explicit one.
   */
  float ridgeWeight(FoldInRule.Ridge r, float[] values, int j, int i) {
    return r.implicit() ? 1f + r.alpha() * value(values, j) : value(values, j) - model.globalMean() - model.itemBias(i);
  }

  /** a += c * v v^T on the lower triangle, which is all {@link Cholesky#factor} reads. */
  private static void addOuter(float[] a, int k, float[] v, int vo, float c) {
    VectorOps.kernels().rank1UpdateLower(c, v, vo, k, a, 0, k);
  }

  private float[] gram() {
    float[] g = gram;
    if (g == null) {
      // Once: concurrent first callers wait for one computation (O(items k^2)) instead of each repeating it.
      synchronized (this) {
        g = gram;
        if (g == null) {
          FactorMatrix q = model.itemFactors();
          g = new float[q.dim() * q.dim()];
          Gram.compute(q, 0, q.rows(), g);
          gram = g;
        }
      }
    }
    return g;
  }

  /** SGD on squared error against fixed item factors and item biases, from zero. */
  private UserVector sgdSquared(FoldInRule.Sgd g, int[] items, float[] values) {
    int k = model.dim();
    FactorMatrix q = model.itemFactors();
    Kernels kern = VectorOps.kernels();
    float[] x = new float[k];
    float bu = 0f;
    boolean biases = model.hasBiases();
    int[] order = Shuffles.identity(items.length);
    SplittableRandom rng = new SplittableRandom(g.seed());
    for (int e = 0; e < g.epochs(); e++) {
      Shuffles.shuffle(order, rng);
      for (int j : order) {
        int i = items[j];
        float pred = model.globalMean() + bu + model.itemBias(i) + kern.dot(x, 0, q.page(i), q.offset(i), k);
        float err = value(values, j) - pred;
        // x += lr (err q_i - reg x)
        for (int d = 0; d < k; d++) x[d] *= 1f - g.learningRate() * g.regularization();
        kern.axpy(g.learningRate() * err, q.page(i), q.offset(i), x, 0, k);
        if (biases) bu += g.learningRate() * (err - g.regularization() * bu);
      }
    }
    return new UserVector(x, bu);
  }

  /** BPR steps: each positive against a uniformly sampled item the user has not interacted with. */
  private UserVector sgdPairwise(FoldInRule.Sgd g, int[] items) {
    int k = model.dim();
    int n = model.numItems();
    FactorMatrix q = model.itemFactors();
    Kernels kern = VectorOps.kernels();
    float[] x = new float[k];
    float[] diff = new float[k];
    int[] sorted = items.clone();
    Arrays.sort(sorted);
    if (sorted.length >= n) return new UserVector(x, 0f);
    int[] order = Shuffles.identity(items.length);
    SplittableRandom rng = new SplittableRandom(g.seed());
    for (int e = 0; e < g.epochs(); e++) {
      Shuffles.shuffle(order, rng);
      for (int jj : order) {
        int i = items[jj];
        int neg;
        do {
          neg = rng.nextInt(n);
        } while (Arrays.binarySearch(sorted, neg) >= 0);
        System.arraycopy(q.page(i), q.offset(i), diff, 0, k);
        kern.axpy(-1f, q.page(neg), q.offset(neg), diff, 0, k);
        float xuij = kern.dot(x, 0, diff, 0, k) + model.itemBias(i) - model.itemBias(neg);
        float w = (float) (1.0 / (1.0 + Math.exp(xuij)));
        for (int d = 0; d < k; d++) x[d] *= 1f - g.learningRate() * g.regularization();
        kern.axpy(g.learningRate() * w, diff, 0, x, 0, k);
      }
    }
    return new UserVector(x, 0f);
  }

  /** x = |N_u|^-1/2 sum_i b_i over the distinct items. */
  private float[] propagate(FoldInRule.Propagation p, int[] items) {
    int k = model.dim();
    FactorMatrix b = p.itemBasis();
    float[] x = new float[k];
    int[] distinct = Arrays.stream(items).distinct().toArray();
    if (distinct.length == 0) return x;
    float w = (float) (1 / Math.sqrt(distinct.length));
    Kernels kern = VectorOps.kernels();
    for (int i : distinct) kern.axpy(w, b.page(i), b.offset(i), x, 0, k);
    return x;
  }

}
