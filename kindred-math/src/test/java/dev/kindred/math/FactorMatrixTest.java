package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FactorMatrixTest {

  /** A 5 x 3 matrix with entry (r, c) = 10 r + c. */
  static FactorMatrix numbered() {
    FactorMatrix m = new FactorMatrix(5, 3);
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 3; c++) {
        m.set(r, c, 10 * r + c);
      }
    }
    return m;
  }

  @Test
  void rowsAreContiguousInPageAtOffset() {
    FactorMatrix m = numbered();
    assertThat(m.rows()).isEqualTo(5);
    assertThat(m.dim()).isEqualTo(3);
    assertThat(m.size()).isEqualTo(15);
    assertThat(m.isSinglePage()).isTrue();
    assertThat(m.pageCount()).isEqualTo(1);
    for (int r = 0; r < 5; r++) {
      assertThat(m.page(r)).isSameAs(m.pageArray(0));
      assertThat(m.offset(r)).isEqualTo(3 * r);
      for (int c = 0; c < 3; c++) {
        assertThat(m.page(r)[m.offset(r) + c]).isEqualTo(m.get(r, c)).isEqualTo(10f * r + c);
      }
    }
    assertThat(m.pageArray(0)).containsExactly(0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42);
  }

  @Test
  void rowCopiesHonourOffsets() {
    FactorMatrix m = numbered();
    assertThat(m.row(3)).containsExactly(30, 31, 32);
    float[] dst = {-1, -1, -1, -1, -1, -1};
    m.copyRow(2, dst, 2);
    assertThat(dst).containsExactly(-1, -1, 20, 21, 22, -1);
    m.setRow(4, new float[] {9, 7, 8, 6, 5}, 1);
    assertThat(m.row(4)).containsExactly(7, 8, 6);
    assertThat(m.row(3)).as("neighbours untouched").containsExactly(30, 31, 32);
    float[] r = m.row(0);
    r[0] = 99;
    assertThat(m.get(0, 0)).as("row() returns a copy").isZero();
  }

  @Test
  void indicesOutsideTheMatrixAreRejected() {
    FactorMatrix m = numbered();
    assertThatThrownBy(() -> m.get(5, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("(5, 0) outside 5 x 3");
    assertThatThrownBy(() -> m.get(0, 3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("(0, 3) outside 5 x 3");
    assertThatThrownBy(() -> m.set(-1, 0, 1f)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new FactorMatrix(3, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows must be >= 0 and dim > 0, got rows=3 dim=0");
    assertThatThrownBy(() -> new FactorMatrix(-1, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows=-1");
  }

  @Test
  void copyIsEqualAndIndependent() {
    FactorMatrix m = numbered();
    FactorMatrix c = m.copy();
    assertThat(c).isEqualTo(m).hasSameHashCodeAs(m).isNotSameAs(m);
    assertThat(c.pageArray(0)).isNotSameAs(m.pageArray(0));
    c.set(2, 1, -0.5f);
    assertThat(c).isNotEqualTo(m);
    assertThat(m.get(2, 1)).isEqualTo(21f);
    assertThat(new FactorMatrix(3, 5)).as("same floats, other shape").isNotEqualTo(new FactorMatrix(5, 3));
    assertThat(new FactorMatrix(0, 4)).isEqualTo(new FactorMatrix(0, 4));
  }

  @Test
  void allFiniteSeesNanAndBothInfinities() {
    FactorMatrix m = numbered();
    assertThat(m.allFinite()).isTrue();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      m.set(4, 2, bad);
      assertThat(m.allFinite()).as("with %s", bad).isFalse();
      m.set(4, 2, Float.MAX_VALUE);
      assertThat(m.allFinite()).isTrue();
    }
  }

  /**
   * 20,000 draws of N(0, 0.5^2). Tolerances are about 5 standard errors: mean within 5 * 0.5 /
   * sqrt(n) = 0.018, stddev within 3%, mass within one sigma 0.6827 +- 0.017.
   */
  @Test
  void fillGaussianHasTheRequestedMoments() {
    FactorMatrix m = new FactorMatrix(400, 50);
    m.fillGaussian(new SplittableRandom(42), 0.5f);
    double s = 0;
    double ss = 0;
    int inOneSigma = 0;
    float[] a = m.pageArray(0);
    for (float v : a) {
      s += v;
      ss += (double) v * v;
      if (Math.abs(v) < 0.5) inOneSigma++;
    }
    int n = a.length;
    double mean = s / n;
    double sd = Math.sqrt(ss / n - mean * mean);
    assertThat(mean).isCloseTo(0, within(0.018));
    assertThat(sd).isCloseTo(0.5, within(0.015));
    assertThat(inOneSigma / (double) n).isCloseTo(0.6827, within(0.017));
    assertThat(m.allFinite()).isTrue();

    FactorMatrix same = new FactorMatrix(400, 50);
    same.fillGaussian(new SplittableRandom(42), 0.5f);
    assertThat(same).as("same seed, same matrix").isEqualTo(m);
    FactorMatrix other = new FactorMatrix(400, 50);
    other.fillGaussian(new SplittableRandom(43), 0.5f);
    assertThat(other).isNotEqualTo(m);
  }

  @Test
  void fillUniformStaysInRange() {
    FactorMatrix m = new FactorMatrix(100, 10);
    m.fillUniform(new SplittableRandom(1), 0.1f);
    double s = 0;
    for (float v : m.pageArray(0)) {
      assertThat(v).isGreaterThanOrEqualTo(0f).isLessThan(0.1f);
      s += v;
    }
    // Mean of U(0, 0.1) over 1000 draws: 0.05 +- 5 * 0.0289 / sqrt(1000).
    assertThat(s / 1000).isCloseTo(0.05, within(0.0046));
  }

  @Test
  void emptyMatrixHasOneEmptyPage() {
    FactorMatrix m = new FactorMatrix(0, 8);
    assertThat(m.pageCount()).isEqualTo(1);
    assertThat(m.pageArray(0)).isEmpty();
    assertThat(m.size()).isZero();
    assertThat(m.allFinite()).isTrue();
  }

  /**
   * Page arithmetic without allocating pages: a matrix with no rows still fixes its page shape. A
   * page holds the largest power of two of rows that fits in {@link FactorMatrix#MAX_PAGE_FLOATS}
   * floats, so {@code offset} wraps to 0 exactly at that row count. (A matrix with two real pages
   * needs over 2^29 floats, 2 GiB, and is not allocated here.)
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 64, 100, 1000, 1 << 20, (1 << 25) + 1, 1 << 29, (1 << 29) + 1, 1 << 30})
  void offsetsWrapAtThePageSize(int dim) {
    FactorMatrix m = new FactorMatrix(0, dim);
    int rowsPerPage = Integer.highestOneBit(FactorMatrix.MAX_PAGE_FLOATS / dim);
    assertThat((long) rowsPerPage * dim).isLessThanOrEqualTo(FactorMatrix.MAX_PAGE_FLOATS);
    assertThat(2L * rowsPerPage * dim).isGreaterThan(FactorMatrix.MAX_PAGE_FLOATS);
    assertThat(m.offset(0)).isZero();
    assertThat(m.offset(rowsPerPage - 1)).isEqualTo((rowsPerPage - 1) * dim);
    assertThat(m.offset(rowsPerPage)).as("first row of the second page").isZero();
    if (rowsPerPage > 1) {
      assertThat(m.offset(rowsPerPage + 1)).isEqualTo(dim);
      assertThat(m.offset(3 * rowsPerPage + 1)).isEqualTo(dim);
    }
    assertThat(m.pageCount()).isEqualTo(1);
  }

  @Test
  void dimBeyondOnePageIsRejected() {
    assertThatThrownBy(() -> new FactorMatrix(0, FactorMatrix.MAX_PAGE_FLOATS + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dim too large for one page: " + (FactorMatrix.MAX_PAGE_FLOATS + 1));
  }

  @Test
  void realisticShapesFitInOnePage() {
    FactorMatrix m = new FactorMatrix(100_000, 128);
    assertThat(m.size()).isEqualTo(12_800_000L);
    assertThat(m.isSinglePage()).isTrue();
    assertThat(m.pageArray(0)).hasSize(12_800_000);
    assertThat(m.page(99_999)).isSameAs(m.pageArray(0));
    assertThat(m.offset(99_999)).isEqualTo(99_999 * 128);
  }
}
