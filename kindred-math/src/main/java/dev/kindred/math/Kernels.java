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

  /**
   * One SGD step of the pairwise logistic loss {@code ln(1 + exp(-x))}, {@code x = a . (b - c) +
   * offset}, from the old values: with {@code g = 1 / (1 + exp(x))},
   * {@code a += lr * (g * (b - c) - regA * a)}, {@code b += lr * (g * a - regB * b)},
   * {@code c += lr * (-g * a - regC * c)}. Returns {@code x} (the margin before the step). This is
   * the inner step of Bayesian personalised ranking (a = user, b = preferred item, c = other
   * item); it reads and writes each vector once. The three ranges must not overlap.
   */
  float pairwiseLogisticStep(float[] a, int ao, float[] b, int bo, float[] c, int co, int n, float offset, float lr,
      float regA, float regB, float regC);

  /**
   * Adds the Gram matrix of {@code rows} consecutive row vectors of {@code m} (row stride
   * {@code dim}, from offset {@code mo}) to the lower triangle of the {@code dim x dim} row-major
   * matrix at {@code g[go ..]}: {@code g[a][b] += sum_r m[r][a] * m[r][b]} for {@code b <= a}. The
   * strict upper triangle is not touched (mirror it once at the end: {@link Gram} does). This is
   * {@code Y^T Y} of ALS, over one block of rows.
   */
  void gramAccumulate(float[] m, int mo, int rows, int dim, float[] g, int go);

  /**
   * Symmetric rank-1 update of the lower triangle of the {@code n x n} row-major matrix at
   * {@code a[ao ..]} with row stride {@code lda >= n}:
   * {@code a[ao + i*lda + j] += c * x[xo + i] * x[xo + j]} for {@code j <= i < n}. The strict
   * upper triangle is not touched ({@link Cholesky#factor} reads only the lower one); with
   * {@code lda > n} it updates a trailing block of a larger matrix, the step of a right-looking
   * Cholesky factorisation.
   */
  void rank1UpdateLower(float c, float[] x, int xo, int n, float[] a, int ao, int lda);

  /**
   * Shifted symmetric matrix-vector product {@code y = (G + shift I) x} for the symmetric
   * {@code n x n} row-major {@code G} at {@code g[go ..]}. Computed as
   * {@code sum_j x[j] * G[j][.]} (rows used as columns), so it needs the full matrix and no
   * horizontal reductions.
   */
  void symv(float[] g, int go, int n, float shift, float[] x, int xo, float[] y, int yo);

  /**
   * Gathered, weighted normal-equation product over rows {@code m_j = m[(idx[j] - rowBase) * dim ..]}
   * for {@code j} in {@code [from, to)}:
   * <pre>  y += sum_j (t0 + t1 * w[j] + (h0 + h1 * w[j]) * (m_j . x)) * m_j</pre>
   * With {@code t = b} coefficients only it builds a right-hand side {@code M_S^T t}; with
   * {@code h} only it is the sparse part of {@code (M_S^T diag(h) M_S) x}; with both (and
   * {@code h} negated) the residual {@code b - A x} of a conjugate-gradient solve, in one pass
   * over the rows. {@code x} is not read when {@code h0 == h1 == 0}.
   */
  void sparseGramVec(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float t0, float t1,
      float h0, float h1, float[] x, int xo, float[] y, int yo);

  /**
   * Adds the weighted Gram matrix of gathered rows {@code m_j = m[(idx[j] - rowBase) * dim ..]},
   * {@code j} in {@code [from, to)}, to the lower triangle of the {@code dim x dim} row-major matrix
   * {@code g}: {@code g[a][b] += sum_j (h0 + h1 * w[j]) * m_j[a] * m_j[b]} for {@code b <= a}. The
   * strict upper triangle is not touched. This builds {@code Y_u^T C_u Y_u} of an ALS normal
   * equation in one pass over the row's entries per output tile, instead of one rank-1 update
   * (a full pass over {@code g}) per entry.
   */
  void sparseGramLower(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float h0, float h1,
      float[] g);

  /** Returns {@code max_j x[xo + j]} for {@code j < n}; negative infinity when {@code n == 0}. */
  float max(float[] x, int xo, int n);

  /**
   * Replaces {@code x[xo + j]} by {@code exp(x[xo + j] + shift)} for {@code j < n} and returns
   * the sum of the new values: the exponentials of a softmax with {@code shift = -max}. The
   * exponential is the platform's (the Vector API's, accurate to about 1 ulp on float, or
   * {@link Math#exp} rounded to float).
   */
  double expShiftSum(float[] x, int xo, int n, float shift);

  /** {@code x[xo + j] *= c} for {@code j < n}. */
  void scale(float[] x, int xo, int n, float c);

  /**
   * One dense layer's pointwise tail: {@code x[xo + j] = f(x[xo + j] + bias[bo + j])} for
   * {@code j < n}, with {@code f} the rectifier {@code max(0, .)} when {@code relu}, else the identity.
   */
  void addBiasRelu(float[] x, int xo, int n, float[] bias, int bo, boolean relu);

  /**
   * The rectifier's backward pass: {@code g[go + j] = 0} where {@code a[ao + j] <= 0} (or NaN), for
   * {@code j < n}; {@code a} is the layer's output after the rectifier, so {@code a > 0} exactly
   * where the input was.
   */
  void reluMask(float[] g, int go, float[] a, int ao, int n);
}
