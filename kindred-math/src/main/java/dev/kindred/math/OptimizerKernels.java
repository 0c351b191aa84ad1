package dev.kindred.math;

/**
 * Element-wise parameter updates of first-order optimisers. Two implementations: a Vector API one
 * ({@code PanamaOptimizerKernels}) and its plain scalar twin ({@link ScalarOptimizerKernels});
 * {@link OptimizerOps} picks one once per JVM and validates arguments in front of it.
 *
 * <p>Both evaluate every element with the same operations in the same order (no reduction is
 * involved), so they agree up to the fused multiply-adds the vector one uses.
 *
 * <p>Implementations assume valid arguments and never allocate.
 */
public interface OptimizerKernels {

  /**
   * One Adam / AdamW step on {@code n} parameters {@code w[wo ..]} with their moments
   * {@code m[wo ..]}, {@code v[wo ..]} (same offsets as {@code w}) and gradient {@code g[go ..]}:
   * <pre>
   *   m = beta1 * m + (1 - beta1) * g
   *   v = beta2 * v + (1 - beta2) * g * g
   *   w = keep * w - stepSize * m / (sqrt(v) * invSqrtBias2 + epsilon)
   * </pre>
   * With {@code stepSize = lr / (1 - beta1^t)} and {@code invSqrtBias2 = 1 / sqrt(1 - beta2^t)} this
   * is Adam's bias-corrected step (PyTorch's form of it); {@code keep = 1 - lr * weightDecay} is
   * AdamW's decoupled decay (1 for Adam).
   */
  void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int n, float beta1, float beta2, float stepSize,
      float invSqrtBias2, float epsilon, float keep);

  /**
   * One AdaGrad step (Duchi, Hazan, Singer 2011, JMLR 12) on {@code n} parameters {@code w[wo ..]}
   * with their accumulated squared gradients {@code acc[wo ..]} and the scaled gradient
   * {@code scale * g[go ..]}, the rate taken before the accumulation (LightFM's order; start
   * {@code acc} at 1, not 0):
   * <pre>
   *   gj = scale * g
   *   w = keep * w - lr * gj / sqrt(acc)
   *   acc = acc + gj * gj
   * </pre>
   * {@code scale} lets one gradient vector serve every feature row of a sum of embeddings (the
   * feature's weight times the loss's derivative).
   */
  void adagrad(float[] w, int wo, float[] g, int go, float[] acc, int n, float scale, float lr, float keep);

  /** One SGD step: {@code w[wo + j] = keep * w[wo + j] - lr * g[go + j]} for {@code j < n}. */
  void sgd(float[] w, int wo, float[] g, int go, int n, float lr, float keep);
}
