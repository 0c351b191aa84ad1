package dev.kindred.math;

import java.util.Arrays;
import java.util.Objects;

/**
 * The Gram matrix {@code M^T M} ({@code dim x dim}, both triangles) of a {@link FactorMatrix}: the
 * part of every implicit-ALS normal equation that all users (or items) share, computed once per
 * half-step.
 *
 * <p>The kernel computes the lower triangle, which is then mirrored, so the result is exactly
 * symmetric. Rows are fed to {@link Kernels#gramAccumulate} in blocks of about {@value #BLOCK_FLOATS}
 * floats, so a block stays in L1/L2 while every output tile passes over it. The parallel form cuts
 * the rows into as many contiguous, equal ranges as there are partial buffers, one task per range,
 * and adds the partials in range order: the result depends on the number of partials (the thread
 * count), never on timing.
 *
 * <p>Cost: about {@code rows * dim^2 / 2} multiply-adds (the lower triangle, in tiles), {@code dim^2} floats per partial. Stateless; the
 * caller owns the output and partial buffers.
 */
public final class Gram {

  /** Floats per block of rows handed to the kernel: 64 KiB. */
  static final int BLOCK_FLOATS = 16 * 1024;

  private Gram() {}

  /**
   * {@code g = M^T M} over rows {@code [from, to)}; overwrites {@code g[0 .. dim^2)}. A store that
   * is not an on-heap {@link FactorMatrix} (a 16-bit {@link HalfFactors}) is widened a block at a
   * time into a {@value #BLOCK_FLOATS}-float buffer first, which adds one fp32 copy of each row to
   * the {@code dim^2 / 2} multiply-adds it feeds.
   */
  public static void compute(FactorStore m, int from, int to, float[] g) {
    int dim = m.dim();
    checkOutput(g, dim, "g");
    if (from < 0 || to > m.rows() || from > to) {
      throw new IllegalArgumentException("rows [" + from + ", " + to + ") outside [0, " + m.rows() + ")");
    }
    Arrays.fill(g, 0, dim * dim, 0f);
    Kernels k = VectorOps.kernels();
    int block = Math.max(1, BLOCK_FLOATS / dim);
    float[] widened = m instanceof FactorMatrix ? null : new float[block * dim];
    int r = from;
    while (r < to) {
      if (m instanceof FactorMatrix fm) {
        float[] page = fm.page(r);
        int off = fm.offset(r);
        int n = Math.min(Math.min(block, to - r), (page.length - off) / dim);
        k.gramAccumulate(page, off, n, dim, g, 0);
        r += n;
      } else {
        int n = Math.min(block, to - r);
        for (int j = 0; j < n; j++) m.copyRow(r + j, widened, j * dim);
        k.gramAccumulate(widened, 0, n, dim, g, 0);
        r += n;
      }
    }
    // The kernel fills the lower triangle only (half the work); mirror it.
    for (int a = 1; a < dim; a++) {
      for (int b = 0; b < a; b++) {
        g[b * dim + a] = g[a * dim + b];
      }
    }
  }

  /**
   * {@code g = M^T M} on {@code pool}, with {@code partials.length} tasks (each partial at least
   * {@code dim^2} floats); a single partial runs on the calling thread.
   */
  public static void compute(FactorStore m, float[] g, float[][] partials, WorkerPool pool) {
    int dim = m.dim();
    int tasks = partials.length;
    if (tasks == 0) {
      throw new IllegalArgumentException("need at least one partial buffer");
    }
    if (tasks == 1) {
      compute(m, 0, m.rows(), g);
      return;
    }
    Objects.requireNonNull(pool, "pool");
    checkOutput(g, dim, "g");
    for (float[] p : partials) {
      checkOutput(p, dim, "partial");
    }
    int rows = m.rows();
    pool.compute(tasks, t -> {
      int from = (int) ((long) rows * t / tasks);
      int to = (int) ((long) rows * (t + 1) / tasks);
      compute(m, from, to, partials[t]);
    });
    int cells = dim * dim;
    System.arraycopy(partials[0], 0, g, 0, cells);
    for (int t = 1; t < tasks; t++) {
      float[] p = partials[t];
      for (int c = 0; c < cells; c++) {
        g[c] += p[c];
      }
    }
  }

  private static void checkOutput(float[] g, int dim, String name) {
    Objects.requireNonNull(g, name);
    if (g.length < dim * dim) {
      throw new IllegalArgumentException(name + " holds " + g.length + " floats, need dim^2 = " + dim * dim);
    }
  }
}
