package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocked product against the textbook triple loop in double, with the Vector API kernel and its
 * scalar twin, at awkward sizes, every transpose and triangle, with production and tiny block sizes.
 *
 * <p>Tolerance: every entry of {@code C} within {@value #REL_TOL} of {@code sum_k |alpha A_ik B_kj|}
 * (plus the magnitude of the starting {@code C}): float sums of up to 702 terms reassociated into
 * {@code kc} blocks err by a few {@code k * 2^-24} relative to that magnitude. The two kernels run
 * the same fused multiply-adds in the same order, so they must agree bit for bit.
 *
 * <p>Operands and {@code C} sit inside NaN padding (and NaN outside a declared triangle): reading
 * outside the asked region makes the result NaN, writing outside it changes the padding.
 */
class MatrixProductTest {

  static final double REL_TOL = 1e-5;
  static final int PAD = 29;

  private final ProductKernel panama = new PanamaProductKernel();
  private final ProductKernel scalar = new ScalarProductKernel(PanamaProductKernel.ROWS, PanamaProductKernel.COLS);

  /** A stored {@code rows x cols} matrix with leading dimension {@code cols + 3}, NaN around and between rows. */
  record Stored(float[] data, int offset, int ld) {}

  static Stored stored(SplittableRandom rng, int rows, int cols) {
    int ld = cols + 3;
    float[] d = new float[PAD + rows * ld + PAD];
    Arrays.fill(d, Float.NaN);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) d[PAD + r * ld + c] = (float) (2 * rng.nextDouble() - 1);
    }
    return new Stored(d, PAD, ld);
  }

  /** The operand view of {@code s}, with NaN written outside {@code t} (of the op view). */
  static Operand operand(Stored s, boolean transposed, Triangle t, int rows, int cols) {
    Operand o = new Operand(s.data(), s.offset(), s.ld(), transposed, t);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (o.zeroAt(r, c)) s.data()[transposed ? s.offset() + c * s.ld() + r : s.offset() + r * s.ld() + c] = Float.NaN;
      }
    }
    return o;
  }

  static double op(Operand o, int r, int c) {
    if (o.zeroAt(r, c)) return 0;
    return o.transposed() ? o.data()[o.offset() + c * o.ld() + r] : o.data()[o.offset() + r * o.ld() + c];
  }

  void check(int m, int n, int k, boolean ta, boolean tb, Triangle tA, Triangle tB, Triangle tC, int[] blocks,
      int threads, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Operand a = operand(stored(rng, ta ? k : m, ta ? m : k), ta, tA, m, k);
    Operand b = operand(stored(rng, tb ? n : k, tb ? k : n), tb, tB, k, n);
    Stored c0 = stored(rng, m, n);
    float alpha = -0.75f;
    float[][] results = new float[2][];
    ProductKernel[] kernels = {panama, scalar};
    for (int x = 0; x < 2; x++) {
      float[] c = c0.data().clone();
      try (WorkerPool pool = WorkerPool.create(threads, "test-product")) {
        new MatrixProduct(pool, kernels[x], blocks[0], blocks[1], blocks[2])
            .multiplyAdd(m, n, k, alpha, a, b, c, c0.offset(), c0.ld(), tC);
      }
      results[x] = c;
    }
    String what = "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " " + tA + "/" + tB + "/" + tC
        + " blocks=" + Arrays.toString(blocks) + " threads=" + threads;
    assertThat(Arrays.equals(results[0], results[1])).as("Vector API and scalar twin agree bit for bit, " + what)
        .isTrue();
    float[] got = results[0];
    float[] start = c0.data();
    for (int idx = 0; idx < got.length; idx++) {
      int rel = idx - c0.offset();
      int i = Math.floorDiv(rel, c0.ld());
      int j = rel - i * c0.ld();
      boolean inside = rel >= 0 && i < m && j < n && (tC == Triangle.FULL || j >= i);
      if (!inside) {
        assertThat(Float.floatToRawIntBits(got[idx])).as("untouched at %d, %s", idx, what)
            .isEqualTo(Float.floatToRawIntBits(start[idx]));
        continue;
      }
      double exact = start[idx];
      double mag = Math.abs(start[idx]);
      for (int p = 0; p < k; p++) {
        double term = alpha * op(a, i, p) * op(b, p, j);
        exact += term;
        mag += Math.abs(term);
      }
      if (!(Math.abs(got[idx] - exact) <= REL_TOL * mag + 1e-30)) {
        throw new AssertionError(what + ": C(" + i + ", " + j + ") = " + got[idx] + ", exact " + exact);
      }
    }
  }

  static final int[][] BLOCKS = {{MatrixProduct.MC, MatrixProduct.KC, MatrixProduct.NC}, {4, 5, 3}, {9, 64, 70}};

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64, 207})
  void everyTransposeAndTriangleAtAwkwardSizes(int size) {
    int[][] shapes = {{size, size, size}, {size, size + 5, Math.max(1, size / 2)}, {size + 3, 1, size}};
    long seed = size;
    for (int[] s : shapes) {
      for (int[] blocks : BLOCKS) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            check(s[0], s[1], s[2], ta, tb, Triangle.FULL, Triangle.FULL, Triangle.FULL, blocks, 2, seed++);
          }
        }
        if (s[0] == s[1] && s[1] == s[2]) {
          // Into an upper C (SpdInverse's sweep update, R^T T), and the triangular operands.
          check(size, size, size, true, false, Triangle.FULL, Triangle.FULL, Triangle.UPPER, blocks, 3, seed++);
          check(size, size, size, false, false, Triangle.FULL, Triangle.UPPER, Triangle.FULL, blocks, 2, seed++);
          check(size, size, size, false, true, Triangle.UPPER, Triangle.LOWER, Triangle.UPPER, blocks, 2, seed++);
          check(size, size, size, false, false, Triangle.LOWER, Triangle.FULL, Triangle.FULL, blocks, 1, seed++);
        }
      }
    }
  }

  @Test
  void largeAwkwardOrderWithProductionBlocks() {
    int n = 702;
    check(n, n, n, true, false, Triangle.FULL, Triangle.FULL, Triangle.UPPER, BLOCKS[0], 2, 702);
    check(n, n - 1, n + 1, false, true, Triangle.FULL, Triangle.FULL, Triangle.FULL, BLOCKS[0], 2, 703);
    // SpdInverse's sweep: k is one production block, C's rows cross several row blocks.
    check(n, n, MatrixProduct.KC, true, false, Triangle.FULL, Triangle.FULL, Triangle.UPPER, BLOCKS[0], 2, 704);
  }

  @Test
  void viewsOutsideTheArrayAreRefusedWithTheirExtent() {
    float[] small = new float[8];
    try (WorkerPool pool = WorkerPool.create(1, "test-product")) {
      MatrixProduct mp = new MatrixProduct(pool);
      assertThatThrownBy(() -> mp.multiplyAdd(3, 3, 3, 1f, Operand.of(small, 0, 3), Operand.of(new float[9], 0, 3),
          new float[9], 0, 3, Triangle.FULL))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("A: a 3 x 3 view at offset 0 with ld 3 ends at 8, past the array's length 8");
      assertThatThrownBy(() -> mp.multiplyAdd(4, 3, 3, 1f, Operand.of(new float[12], 0, 3), Operand.of(new float[9], 0,
          3), small, 0, 3, Triangle.FULL))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("C: a 4 x 3 view at offset 0 with ld 3 ends at 11, past the array's length 8");
      assertThatThrownBy(() -> mp.multiplyAdd(1, 1, 1, 1f, Operand.of(small, 0, 1), Operand.of(small, 0, 1), small, 0,
          1, Triangle.LOWER))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not LOWER");
    }
  }
}
