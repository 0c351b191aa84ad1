package dev.kindred.math;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Validating facade over the segment kernels chosen once per JVM, by the rule of
 * {@link VectorOps}: the Vector API ones when it runs SIMD kernels, else
 * {@link ScalarSegmentKernels}. Which one runs is logged once. {@link MappedFactors} validates its
 * shape once and calls {@link #kernels()} directly.
 */
public final class SegmentScoring {

  private static final SegmentKernels IMPL = choose();

  private SegmentScoring() {}

  private static SegmentKernels choose() {
    System.Logger log = System.getLogger(SegmentScoring.class.getName());
    if (!VectorOps.isVectorized()) {
      log.log(Level.DEBUG, "segment kernels: scalar");
      return new ScalarSegmentKernels();
    }
    try {
      SegmentKernels k = (SegmentKernels) Class.forName("dev.kindred.math.PanamaSegmentKernels")
          .getDeclaredConstructor().newInstance();
      log.log(Level.DEBUG, "segment kernels: Vector API");
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.log(Level.WARNING, "segment kernels: scalar; Vector API unavailable: " + e);
      return new ScalarSegmentKernels();
    }
  }

  /** The implementation in use, for callers that validate their own shapes. */
  public static SegmentKernels kernels() {
    return IMPL;
  }

  /** Validated {@link SegmentKernels#dot}. */
  public static float dot(MemorySegment seg, long off, FactorPrecision p, float[] x, int xo, int n) {
    check(seg, off, p, n);
    Objects.checkFromIndexSize(xo, n, x.length);
    return IMPL.dot(seg, off, p, x, xo, n);
  }

  /** Validated {@link SegmentKernels#gemv}. */
  public static void gemv(MemorySegment seg, long off, FactorPrecision p, int rows, int dim, float[] x, int xo,
      float[] out, int oo) {
    if (rows < 0 || dim <= 0) {
      throw new IllegalArgumentException("need rows >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
    }
    check(seg, off, p, (long) rows * dim);
    Objects.checkFromIndexSize(xo, dim, x.length);
    Objects.checkFromIndexSize(oo, rows, out.length);
    IMPL.gemv(seg, off, p, rows, dim, x, xo, out, oo);
  }

  private static void check(MemorySegment seg, long off, FactorPrecision p, long n) {
    Objects.requireNonNull(seg, "seg");
    Objects.requireNonNull(p, "precision");
    if (n < 0 || off < 0 || off > seg.byteSize() - n * p.bytes()) {
      throw new IllegalArgumentException("segment range of " + n + " " + p.label() + " elements at byte " + off
          + " outside a segment of " + seg.byteSize() + " bytes");
    }
  }
}
