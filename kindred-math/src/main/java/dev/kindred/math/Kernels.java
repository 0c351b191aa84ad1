package dev.kindred.math;

/**
 * The dense float kernels every algorithm is built from. Two implementations exist: a Vector API
 * one ({@code PanamaKernels}) and its plain scalar twin ({@link ScalarKernels}); {@link VectorOps}
 * picks one once per JVM and validates arguments in front of it.
 *
 * <p>Implementations assume valid arguments (offsets and lengths inside the arrays); they are
 * called from inner loops and never allocate.
 */
public interface Kernels {

  /** Returns {@code sum_j a[ao + j] * b[bo + j]} for {@code j < n}. */
  float dot(float[] a, int ao, float[] b, int bo, int n);

  /** {@code y[yo + j] += alpha * x[xo + j]} for {@code j < n}. */
  void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

  /**
   * Coupled update of two vectors from their old values:
   * {@code a' = sa * a + ga * b} and {@code b' = sb * b + gb * a}, both right-hand sides using the
   * values before the call. This is the SGD step of any bilinear model; it reads and writes each
   * vector once.
   */
  void crossUpdate(float[] a, int ao, float[] b, int bo, int n, float sa, float ga, float sb, float gb);

  /**
   * Returns the squared norms of the two gradients {@code ga = e * b - la * a} and
   * {@code gb = e * a - lb * b} (as {@code out[0]}, {@code out[1]}) and leaves the vectors alone.
   * Adaptive learning-rate schemes need these norms before the step.
   */
  void gradientNorms(float[] a, int ao, float[] b, int bo, int n, float e, float la, float lb, float[] out);

  /**
   * Dots of {@code rows} consecutive row vectors of {@code m} (row stride {@code dim}, starting at
   * row offset {@code mo}) with {@code x}: {@code out[oo + r] = dot(m[mo + r*dim ..], x[xo ..])}.
   * This is the item-scoring loop of top-K retrieval.
   */
  void gemv(float[] m, int mo, int rows, int dim, float[] x, int xo, float[] out, int oo);

  /**
   * One SGD step of a bilinear fit {@code a . b ~ target} with L2 penalties, from the old values:
   * {@code e = target - a.b}, {@code a += lrA * (e * b - regA * a)},
   * {@code b += lrB * (e * a - regB * b)}. Returns {@code e} (the error before the step). This is
   * the inner step of matrix factorisation by SGD; it reads and writes each vector once when
   * {@code n} fits in registers.
   */
  float bilinearSgdStep(float[] a, int ao, float[] b, int bo, int n, float target, float lrA, float regA,
      float lrB, float regB);
}
