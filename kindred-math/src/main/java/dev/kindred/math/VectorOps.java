package dev.kindred.math;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Validating facade over the kernel implementation chosen once per JVM: the Vector API kernels
 * when {@code jdk.incubator.vector} is readable (run with {@code --add-modules
 * jdk.incubator.vector}), else the scalar twin. Set {@code -Dkindred.kernels=scalar} to force the
 * twin. Which one runs is logged once.
 *
 * <p>Hot loops that have already validated their shapes call {@link #kernels()} directly and skip
 * the checks.
 */
public final class VectorOps {

  private static final Kernels IMPL = choose();

  private VectorOps() {}

  private static Kernels choose() {
    System.Logger log = System.getLogger(VectorOps.class.getName());
    if ("scalar".equals(System.getProperty("kindred.kernels"))) {
      log.log(Level.INFO, "kernels: scalar (forced by -Dkindred.kernels=scalar)");
      return new ScalarKernels();
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      log.log(Level.WARNING, "kernels: scalar; run with --add-modules jdk.incubator.vector for SIMD");
      return new ScalarKernels();
    }
    try {
      Kernels k = (Kernels) Class.forName("dev.kindred.math.PanamaKernels").getDeclaredConstructor().newInstance();
      log.log(Level.DEBUG, "kernels: Vector API, " + PanamaKernels.lanes() + " float lanes");
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.log(Level.WARNING, "kernels: scalar; Vector API unavailable: " + e);
      return new ScalarKernels();
    }
  }

  /** The implementation in use, for callers that validate their own shapes once per loop. */
  public static Kernels kernels() {
    return IMPL;
  }

  /** True when the SIMD implementation is in use. */
  public static boolean isVectorized() {
    return !(IMPL instanceof ScalarKernels);
  }

  public static float dot(float[] a, int ao, float[] b, int bo, int n) {
    check(a, ao, n, "a");
    check(b, bo, n, "b");
    return IMPL.dot(a, ao, b, bo, n);
  }

  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
    }
    return IMPL.dot(a, 0, b, 0, a.length);
  }

  public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    check(x, xo, n, "x");
    check(y, yo, n, "y");
    IMPL.axpy(alpha, x, xo, y, yo, n);
  }

  public static void crossUpdate(float[] a, int ao, float[] b, int bo, int n, float sa, float ga, float sb, float gb) {
    check(a, ao, n, "a");
    check(b, bo, n, "b");
    IMPL.crossUpdate(a, ao, b, bo, n, sa, ga, sb, gb);
  }

  public static void gemv(float[] m, int mo, int rows, int dim, float[] x, int xo, float[] out, int oo) {
    long cells = (long) rows * dim;
    if (cells != (int) cells) {
      throw new IllegalArgumentException("m: " + rows + " rows x " + dim + " floats exceeds any array");
    }
    check(m, mo, (int) cells, "m");
    check(x, xo, dim, "x");
    check(out, oo, rows, "out");
    IMPL.gemv(m, mo, rows, dim, x, xo, out, oo);
  }

  public static void gramAccumulate(float[] m, int mo, int rows, int dim, float[] g, int go) {
    checkMatrix(m, mo, rows, dim, "m");
    checkMatrix(g, go, dim, dim, "g");
    IMPL.gramAccumulate(m, mo, rows, dim, g, go);
  }

  public static void rank1UpdateLower(float c, float[] x, int xo, int n, float[] a, int ao, int lda) {
    check(x, xo, n, "x");
    if (lda < n) {
      throw new IllegalArgumentException("lda " + lda + " < n " + n);
    }
    if (n > 0) {
      check(a, ao, (int) Math.min(Integer.MAX_VALUE, (long) (n - 1) * lda + n), "a");
    }
    IMPL.rank1UpdateLower(c, x, xo, n, a, ao, lda);
  }

  /** {@code y = (G + shift I) x}; {@code y} must not overlap {@code x}. */
  public static void symv(float[] g, int go, int n, float shift, float[] x, int xo, float[] y, int yo) {
    checkMatrix(g, go, n, n, "g");
    check(x, xo, n, "x");
    check(y, yo, n, "y");
    if (x == y && xo < yo + n && yo < xo + n) {
      throw new IllegalArgumentException("y [" + yo + ", " + (yo + n) + ") overlaps x [" + xo + ", " + (xo + n) + ")");
    }
    IMPL.symv(g, go, n, shift, x, xo, y, yo);
  }

  public static void sparseGramVec(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float t0,
      float t1, float h0, float h1, float[] x, int xo, float[] y, int yo) {
    checkGathered(m, dim, idx, rowBase, w, from, to);
    if (h0 != 0f || h1 != 0f) {
      check(x, xo, dim, "x");
    }
    check(y, yo, dim, "y");
    IMPL.sparseGramVec(m, dim, idx, rowBase, w, from, to, t0, t1, h0, h1, x, xo, y, yo);
  }

  public static void sparseGramLower(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float h0,
      float h1, float[] g) {
    checkGathered(m, dim, idx, rowBase, w, from, to);
    checkMatrix(g, 0, dim, dim, "g");
    IMPL.sparseGramLower(m, dim, idx, rowBase, w, from, to, h0, h1, g);
  }

  public static void addBiasRelu(float[] x, int xo, int n, float[] bias, int bo, boolean relu) {
    check(x, xo, n, "x");
    check(bias, bo, n, "bias");
    IMPL.addBiasRelu(x, xo, n, bias, bo, relu);
  }

  public static void reluMask(float[] g, int go, float[] a, int ao, int n) {
    check(g, go, n, "g");
    check(a, ao, n, "a");
    IMPL.reluMask(g, go, a, ao, n);
  }

  /** Entries {@code [from, to)} of {@code idx} and {@code w}, each naming a whole row of {@code m}. */
  private static void checkGathered(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to) {
    Objects.requireNonNull(idx, "idx");
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be > 0, got " + dim);
    }
    if (from < 0 || to > idx.length || from > to || to > w.length) {
      throw new IllegalArgumentException("entries [" + from + ", " + to + ") outside idx (" + idx.length
          + ") or w (" + w.length + ")");
    }
    int rows = m.length / dim;
    for (int j = from; j < to; j++) {
      int r = idx[j] - rowBase;
      if (r < 0 || r >= rows) {
        throw new IllegalArgumentException("idx[" + j + "] = " + idx[j] + " is row " + r + ", outside [0, " + rows + ")");
      }
    }
  }

  private static void checkMatrix(float[] v, int off, int rows, int cols, String name) {
    long cells = (long) rows * cols;
    if (rows < 0 || cols < 0 || cells != (int) cells) {
      throw new IllegalArgumentException(name + ": " + rows + " x " + cols + " floats exceeds any array");
    }
    check(v, off, (int) cells, name);
  }

  private static void check(float[] v, int off, int n, String name) {
    Objects.requireNonNull(v, name);
    if (n < 0 || off < 0 || off > v.length - n) {
      throw new IllegalArgumentException(
          name + ": range [" + off + ", " + off + "+" + n + ") outside array of length " + v.length);
    }
  }
}
