package dev.kindred.math;

import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;

/**
 * In-place inverse of a large dense symmetric positive definite matrix (row-major {@code float},
 * {@code n x n}) through its Cholesky factor, blocked for cache and parallel over a pool made for
 * the call. Built for EASE ({@code (X^T X + lambda I)^-1} over a catalog of up to a few tens of
 * thousands of items); the small ALS systems use {@link Cholesky}. The blocked right-looking
 * algorithm is the LAPACK one ({@code SPOTRF}, {@code STRTRI}, {@code SLAUUM}; Anderson et al.,
 * LAPACK Users' Guide, 3rd ed., SIAM 1999, doi:10.1137/1.9780898719604).
 *
 * <p>Three passes of {@code n^3 / 3} flops each. In each, all but an {@code O(BLOCK n^2)} share of
 * the flops is one {@link MatrixProduct} call per block row (register-blocked Vector API
 * micro-kernel on packed panels, threads over {@code C} blocks, no locks):
 * <ol>
 *   <li>{@code A = U^T U} with {@code U} upper triangular, right-looking by block rows: factor the
 *       diagonal block, solve the rest of the block row ({@code U[K][K]^-T A[K][k1..n)}, parallel
 *       over column tiles with {@link Kernels#axpy}), then the trailing update
 *       {@code A[k1..n)[k1..n) -= U[K][k1..n)^T U[K][k1..n)} of the upper triangle (a SYRK);
 *   <li>{@code V = U^-1} (upper), by block rows from the bottom up: {@code V[K][k1..n) =
 *       -U[K][k1..n) V[k1..n)[k1..n)} (a GEMM with a triangular right factor), then the block's own
 *       triangle in parallel over column tiles;
 *   <li>{@code A^-1 = V V^T}: block row {@code I} is {@code V[I][i0..n) V[i0..n)[i0..n)^T} (upper
 *       triangle only, {@code k >= j}), written to scratch and copied back after its product, so
 *       no row is overwritten while it is still read.
 * </ol>
 * The upper triangle is then mirrored into the lower. Only the upper triangle of the input is read.
 * The readable version is {@code SpdInverseTest.referenceInverse} (three textbook loops in double);
 * the two agree to the tolerance stated there. Speed: {@code SpdInverseBenchmark} (JMH), figures in
 * docs/benchmarks.md.
 *
 * <p>Why {@code float}: the matrix is inverted in place, so {@code n = 20,000} needs 1.6 GB instead
 * of 3.2 GB, and the SIMD kernels run twice as many lanes. The cost is accuracy: the relative error
 * of the inverse grows like {@code sqrt(n) * eps_float * cond(A)}. For EASE, {@code A = X^T X +
 * lambda I} has {@code cond(A) <= 1 + lambda_max(X^T X) / lambda}, about 10-100 at the usual
 * {@code lambda} of a few hundred, which keeps every entry within 1e-4 of the largest one (the
 * tests' tolerance against double), far below the score gaps that decide a ranking. Badly
 * conditioned inputs should be inverted in double elsewhere.
 *
 * <p>Memory: the input array plus {@link #scratchBytes} ({@code BLOCK * n} floats and the product's
 * packing buffers). Thread safety: each call owns its array; calls on different arrays may run at
 * once.
 */
public final class SpdInverse {

  /** Rows per block row: the panel that one sequential step factors. */
  static final int BLOCK = 256;
  /** Columns per tile of the block-row solves (4 KB per row piece). */
  static final int TILE = 1024;
  /** The largest order whose {@code n * n} entries fit in one Java array. */
  public static final int MAX_ORDER = 46_340;

  private final float[] a;
  private final int n;
  private final int block;
  private final int tile;
  private final Kernels kern = VectorOps.kernels();

  private SpdInverse(float[] a, int n, int block, int tile) {
    this.a = a;
    this.n = n;
    this.block = block;
    this.tile = tile;
  }

  /**
   * Bytes {@link #invert(float[], int, int)} allocates besides the matrix itself: one block row of
   * scratch ({@code BLOCK * n} floats, shared by passes 2 and 3) and the packing buffers of
   * {@link MatrixProduct}.
   */
  public static long scratchBytes(int n, int threads) {
    return 4L * ((long) Math.min(BLOCK, n) * n + MatrixProduct.scratchFloats(threads));
  }

  /**
   * The largest order {@code n} whose matrix ({@code 4 n^2} bytes) plus {@link #scratchBytes} and
   * {@code extraBytesPerOrder * n} more fit in {@code bytes}, at most {@link #MAX_ORDER}; 0 if none.
   */
  public static int largestOrder(long bytes, int threads, long extraBytesPerOrder) {
    int lo = 0;
    int hi = MAX_ORDER;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      long need = 4L * mid * mid + scratchBytes(mid, threads) + extraBytesPerOrder * mid;
      if (need <= bytes) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Replaces {@code a} (row-major {@code n x n} at offset 0, upper triangle read) by its inverse,
   * both triangles written.
   *
   * @param threads worker threads of the pool created (and closed) for this call
   * @throws IllegalArgumentException if the shapes are wrong or the matrix is not positive definite
   *     (a pivot was not positive and finite; the message names it)
   */
  public static void invert(float[] a, int n, int threads) {
    invert(a, n, threads, BLOCK, TILE);
  }

  /** As {@link #invert(float[], int, int)} with chosen block and tile sizes (tests use tiny ones). */
  static void invert(float[] a, int n, int threads, int block, int tile) {
    if (n < 0 || n > MAX_ORDER) {
      throw new IllegalArgumentException("order must be in [0, " + MAX_ORDER + "], got " + n);
    }
    if (a.length < n * n) {
      throw new IllegalArgumentException("array of length " + a.length + " is smaller than " + n + " x " + n);
    }
    if (threads <= 0 || block <= 0 || tile <= 0) {
      throw new IllegalArgumentException("threads, block and tile must be positive, got " + threads + ", " + block
          + ", " + tile);
    }
    if (n == 0) return;
    SpdInverse s = new SpdInverse(a, n, block, tile);
    float[] scratch = new float[Math.multiplyExact(Math.min(block, n), n)];
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-spd-inverse")) {
      MatrixProduct product = new MatrixProduct(pool);
      s.factor(pool, product);
      s.invertTriangular(pool, product, scratch);
      s.multiplyByTranspose(product, scratch);
      s.mirrorUpper(pool);
    }
  }

  /** Pass 1: the upper triangle becomes {@code U}, {@code A = U^T U}. */
  private void factor(WorkerPool pool, MatrixProduct product) {
    for (int k0 = 0; k0 < n; k0 += block) {
      int k1 = Math.min(n, k0 + block);
      // Diagonal block: sequential, block^3 / 3 flops.
      for (int i = k0; i < k1; i++) {
        int ri = i * n;
        float d = a[ri + i];
        if (!(d > 0f) || d == Float.POSITIVE_INFINITY) {
          throw new IllegalArgumentException("matrix is not positive definite: pivot " + i + " is " + d
              + " after elimination (add more to the diagonal)");
        }
        float r = (float) Math.sqrt(d);
        a[ri + i] = r;
        float inv = 1f / r;
        for (int j = i + 1; j < k1; j++) a[ri + j] *= inv;
        for (int i2 = i + 1; i2 < k1; i2++) {
          kern.axpy(-a[ri + i2], a, ri + i2, a, i2 * n + i2, k1 - i2);
        }
      }
      if (k1 == n) break;
      // Rest of the block row, U[K][k1..n) = U[K][K]^-T A[K][k1..n): columns are independent.
      int tiles = ceilDiv(n - k1, tile);
      int fk0 = k0;
      int fk1 = k1;
      pool.forEachShared(tiles, (w, t) -> {
        int c0 = fk1 + t * tile;
        int len = Math.min(tile, n - c0);
        for (int i = fk0; i < fk1; i++) {
          int ri = i * n;
          float inv = 1f / a[ri + i];
          for (int c = c0; c < c0 + len; c++) a[ri + c] *= inv;
          for (int i2 = i + 1; i2 < fk1; i2++) {
            kern.axpy(-a[ri + i2], a, ri + c0, a, i2 * n + c0, len);
          }
        }
      });
      // Trailing update of the upper triangle, A[i][j] -= sum_{k in K} U[k][i] U[k][j] for j >= i >= k1:
      // a rank-|K| SYRK, where most of the factor's flops are.
      Operand panel = Operand.of(a, k0 * n + k1, n);
      product.multiplyAdd(n - k1, n - k1, k1 - k0, -1f, panel.transpose(), panel, a, k1 * n + k1, n, Triangle.UPPER);
    }
  }

  /** Pass 2: the upper triangle becomes {@code V = U^-1}. */
  private void invertTriangular(WorkerPool pool, MatrixProduct product, float[] coef) {
    for (int k0 = (n - 1) / block * block; k0 >= 0; k0 -= block) {
      int k1 = Math.min(n, k0 + block);
      // Row i of the block is overwritten by V while its U entries are still needed: keep a copy.
      for (int i = k0; i < k1; i++) {
        System.arraycopy(a, i * n + k0, coef, (i - k0) * n + k0, n - k0);
        java.util.Arrays.fill(a, i * n + k0, i * n + n, 0f);
      }
      // Rows below the block (already V): V[K][c] = -U[K][k1..n) V[k1..n)[c], a GEMM whose right
      // factor is upper triangular (so only k <= c contributes).
      product.multiplyAdd(k1 - k0, n - k1, n - k1, -1f, Operand.of(coef, k1, n),
          new Operand(a, k1 * n + k1, n, false, Triangle.UPPER), a, k0 * n + k1, n, Triangle.FULL);
      int fk0 = k0;
      int fk1 = k1;
      pool.forEachShared(ceilDiv(n - k0, tile), (w, t) -> {
        int c0 = fk0 + t * tile;
        int c1 = Math.min(n, c0 + tile);
        // Within the block, bottom up: V[i][c] = (delta_ic - sum_{i<k<k1} U[i][k] V[k][c]) / U[i][i].
        for (int i = fk1 - 1; i >= fk0; i--) {
          int ri = i * n;
          int ci = (i - fk0) * n;
          if (i >= c0 && i < c1) a[ri + i] += 1f;
          for (int k = i + 1; k < fk1; k++) {
            int from = Math.max(k, c0);
            if (from < c1) kern.axpy(-coef[ci + k], a, k * n + from, a, ri + from, c1 - from);
          }
          float inv = 1f / coef[ci + i];
          for (int c = Math.max(i, c0); c < c1; c++) a[ri + c] *= inv;
        }
      });
    }
  }

  /** Pass 3: the upper triangle becomes {@code V V^T}, the inverse. */
  private void multiplyByTranspose(MatrixProduct product, float[] out) {
    for (int i0 = 0; i0 < n; i0 += block) {
      int i1 = Math.min(n, i0 + block);
      java.util.Arrays.fill(out, 0, (i1 - i0) * n, 0f);
      // Block row I of V V^T: entry (i, j), j >= i, is sum_{k >= j} V[i][k] V[j][k]. Rows of V at and
      // below i0 are still V: this block row is written back only after its product is complete.
      Operand v = new Operand(a, i0 * n + i0, n, false, Triangle.UPPER);
      product.multiplyAdd(i1 - i0, n - i0, n - i0, 1f, v, v.transpose().withTriangle(Triangle.LOWER), out, i0, n,
          Triangle.UPPER);
      for (int i = i0; i < i1; i++) System.arraycopy(out, (i - i0) * n + i, a, i * n + i, n - i);
    }
  }

  /** Copies the upper triangle into the lower, in square tiles so both sides stay in cache. */
  private void mirrorUpper(WorkerPool pool) {
    final int s = 64;
    int strips = ceilDiv(n, s);
    pool.forEachShared(strips, (w, b) -> {
      int r0 = b * s;
      int r1 = Math.min(n, r0 + s);
      for (int c0 = 0; c0 <= r0; c0 += s) { // lower tiles of this strip of rows
        int c1 = Math.min(n, c0 + s);
        for (int i = r0; i < r1; i++) {
          int ri = i * n;
          for (int j = c0; j < Math.min(c1, i); j++) a[ri + j] = a[j * n + i];
        }
      }
    });
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
