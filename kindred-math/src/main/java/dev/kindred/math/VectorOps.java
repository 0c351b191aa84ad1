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

  private static void check(float[] v, int off, int n, String name) {
    Objects.requireNonNull(v, name);
    if (n < 0 || off < 0 || off > v.length - n) {
      throw new IllegalArgumentException(
          name + ": range [" + off + ", " + off + "+" + n + ") outside array of length " + v.length);
    }
  }
}
