package dev.kindred.math;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Validating facade over the optimiser kernels chosen once per JVM: the Vector API ones when
 * {@link VectorOps} runs SIMD kernels (same rule: {@code --add-modules jdk.incubator.vector}, and
 * {@code -Dkindred.kernels=scalar} forces the twin), else {@link ScalarOptimizerKernels}. Which one
 * runs is logged once.
 *
 * <p>Hot loops that have validated their shapes once call {@link #kernels()} directly.
 */
public final class OptimizerOps {

  private static final OptimizerKernels IMPL = choose();

  private OptimizerOps() {}

  private static OptimizerKernels choose() {
    System.Logger log = System.getLogger(OptimizerOps.class.getName());
    if (!VectorOps.isVectorized()) {
      log.log(Level.DEBUG, "optimizer kernels: scalar");
      return new ScalarOptimizerKernels();
    }
    try {
      OptimizerKernels k = (OptimizerKernels) Class.forName("dev.kindred.math.PanamaOptimizerKernels")
          .getDeclaredConstructor().newInstance();
      log.log(Level.DEBUG, "optimizer kernels: Vector API");
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.log(Level.WARNING, "optimizer kernels: scalar; Vector API unavailable: " + e);
      return new ScalarOptimizerKernels();
    }
  }

  /** The implementation in use, for callers that validate their own shapes. */
  public static OptimizerKernels kernels() {
    return IMPL;
  }

  /** Validated {@link OptimizerKernels#adam}. */
  public static void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int n, float beta1, float beta2,
      float stepSize, float invSqrtBias2, float epsilon, float keep) {
    check(w, wo, n, "w");
    check(g, go, n, "g");
    check(m, wo, n, "m");
    check(v, wo, n, "v");
    IMPL.adam(w, wo, g, go, m, v, n, beta1, beta2, stepSize, invSqrtBias2, epsilon, keep);
  }

  /** Validated {@link OptimizerKernels#adagrad}. */
  public static void adagrad(float[] w, int wo, float[] g, int go, float[] acc, int n, float scale, float lr,
      float keep) {
    check(w, wo, n, "w");
    check(g, go, n, "g");
    check(acc, wo, n, "acc");
    IMPL.adagrad(w, wo, g, go, acc, n, scale, lr, keep);
  }

  /** Validated {@link OptimizerKernels#sgd}. */
  public static void sgd(float[] w, int wo, float[] g, int go, int n, float lr, float keep) {
    check(w, wo, n, "w");
    check(g, go, n, "g");
    IMPL.sgd(w, wo, g, go, n, lr, keep);
  }

  private static void check(float[] a, int off, int n, String name) {
    Objects.requireNonNull(a, name);
    if (n < 0 || off < 0 || off > a.length - n) {
      throw new IllegalArgumentException(
          name + ": range [" + off + ", " + off + "+" + n + ") outside array of length " + a.length);
    }
  }
}
