package dev.kindred.train.nn;

import dev.kindred.math.OptimizerKernels;
import dev.kindred.math.OptimizerOps;
import dev.kindred.math.WorkerPool;
import java.util.Objects;

/**
 * First-order optimiser state for one parameter array: Adam (Kingma and Ba, arXiv:1412.6980),
 * AdamW (Loshchilov and Hutter, arXiv:1711.05101) or SGD, applied either densely (every
 * parameter, every step) or lazily to the rows of an embedding table that a batch touched.
 *
 * <p>Symbols: the paper's {@code alpha, beta_1, beta_2, epsilon} are {@link OptimizerConfig}'s
 * {@code learningRate, beta1, beta2, epsilon}; AdamW's {@code lambda} (decoupled, not scaled by the
 * schedule multiplier) is {@code weightDecay}. The step is PyTorch's form of Algorithm 1:
 * {@code w -= (alpha / (1 - beta_1^t)) m / (sqrt(v) / sqrt(1 - beta_2^t) + epsilon)}, which places
 * {@code epsilon} outside the bias correction of {@code v} (the paper's {@code hat v}); this matters
 * only while {@code sqrt(hat v)} is near {@code epsilon}.
 *
 * <p>Dense and lazy updates. {@link #stepDense} is the textbook optimiser: every parameter's moments
 * decay every step, so a parameter with zero gradient keeps moving on its momentum.
 * {@link #stepRows} is the lazy row-wise variant for embedding tables (as TensorFlow Addons'
 * {@code LazyAdam}): only the listed rows' moments and weights are updated, and the bias correction
 * uses the global step count {@code t}. It departs from dense Adam for rows a batch did not touch:
 * their moments do not decay and they do not move, where dense Adam would shrink {@code m} by
 * {@code beta_1} and step by the remaining momentum. On sparse data this costs little quality and
 * makes a step {@code O(touched rows * dim)} instead of {@code O(table)}. With SGD and no weight
 * decay the two coincide (a zero gradient does not move a weight).
 *
 * <p>Cost: dense Adam streams four arrays ({@code w, g, m, v}) and writes three, about 28 bytes and
 * 10 flops per parameter, so it is memory-bound; it is split over the pool's threads in contiguous
 * ranges (deterministic: each element's update does not depend on the split). Memory: two floats
 * of moments per parameter for Adam and AdamW, none for SGD.
 *
 * <p>Not thread-safe: one caller steps it. The multiplier passed to each step scales
 * {@code learningRate} (a schedule); it does not scale the decoupled decay's {@code lambda}.
 */
public final class Optimizer {

  /** Parameters per parallel task of a dense step: big enough to amortise a hand-off. */
  private static final int CHUNK = 1 << 16;

  private final OptimizerConfig config;
  private final int size;
  private final float[] m; // null for SGD
  private final float[] v;
  private long t;

  /** State for {@code size} parameters (the moments start at zero). */
  public Optimizer(OptimizerConfig config, int size) {
    this.config = Objects.requireNonNull(config, "config");
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
    this.size = size;
    boolean adam = config.kind() != OptimizerConfig.Kind.SGD;
    m = adam ? new float[size] : null;
    v = adam ? new float[size] : null;
  }

  public OptimizerConfig config() {
    return config;
  }

  /** Steps taken so far ({@code t} of the bias correction). */
  public long steps() {
    return t;
  }

  /**
   * One step on every parameter: {@code w} and {@code g} hold {@code size} values each.
   *
   * @param lrScale multiplier of the learning rate for this step (a schedule; 1 for none)
   */
  public void stepDense(float[] w, float[] g, float lrScale, WorkerPool pool) {
    checkLength(w, "w");
    checkLength(g, "g");
    Coefficients c = next(lrScale);
    int chunks = (size + CHUNK - 1) / CHUNK;
    OptimizerKernels k = OptimizerOps.kernels();
    pool.compute(chunks, ch -> {
      int from = ch * CHUNK;
      apply(k, c, w, from, g, from, Math.min(CHUNK, size - from));
    });
  }

  /**
   * One lazy step on the rows {@code rows[0 .. count)} (distinct) of the table {@code w} with
   * {@code dim} floats per row; the gradient of {@code rows[s]} is {@code g[s * dim ..]} (compacted
   * in the order of {@code rows}). Other rows and their moments are left alone.
   */
  public void stepRows(float[] w, int dim, int[] rows, int count, float[] g, float lrScale) {
    checkLength(w, "w");
    if (dim <= 0 || size % dim != 0) {
      throw new IllegalArgumentException("dim " + dim + " does not divide the table size " + size);
    }
    if (count < 0 || count > rows.length || (long) count * dim > g.length) {
      throw new IllegalArgumentException("count " + count + " outside rows (" + rows.length + ") or g ("
          + g.length + " floats, dim " + dim + ")");
    }
    int nRows = size / dim;
    for (int s = 0; s < count; s++) {
      if (rows[s] < 0 || rows[s] >= nRows) {
        throw new IllegalArgumentException("rows[" + s + "] = " + rows[s] + " outside [0, " + nRows + ")");
      }
    }
    Coefficients c = next(lrScale);
    OptimizerKernels k = OptimizerOps.kernels();
    for (int s = 0; s < count; s++) {
      apply(k, c, w, rows[s] * dim, g, s * dim, dim);
    }
  }

  /** The step's scalars: advances {@code t}. */
  private Coefficients next(float lrScale) {
    if (!(lrScale > 0) || !Float.isFinite(lrScale)) {
      throw new IllegalArgumentException("lrScale must be > 0 and finite, got " + lrScale);
    }
    t++;
    float lr = config.learningRate() * lrScale;
    float keep = config.kind() == OptimizerConfig.Kind.ADAM ? 1f : 1f - config.learningRate() * config.weightDecay();
    if (config.kind() == OptimizerConfig.Kind.SGD) return new Coefficients(lr, 1f, keep);
    double bias1 = 1 - Math.pow(config.beta1(), t);
    double bias2 = 1 - Math.pow(config.beta2(), t);
    return new Coefficients((float) (lr / bias1), (float) (1 / Math.sqrt(bias2)), keep);
  }

  private void apply(OptimizerKernels k, Coefficients c, float[] w, int wo, float[] g, int go, int n) {
    if (m == null) {
      k.sgd(w, wo, g, go, n, c.stepSize, c.keep);
    } else {
      k.adam(w, wo, g, go, m, v, n, config.beta1(), config.beta2(), c.stepSize, c.invSqrtBias2, config.epsilon(),
          c.keep);
    }
  }

  private void checkLength(float[] a, String name) {
    if (a.length != size) {
      throw new IllegalArgumentException(name + " has " + a.length + " values, the optimiser was made for " + size);
    }
  }

  private record Coefficients(float stepSize, float invSqrtBias2, float keep) {}
}
