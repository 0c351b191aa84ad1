package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The blocked scoring kernel: the Vector API version against its scalar twin at awkward sizes
 * (items not a multiple of the lane count or panel width, users not a multiple of the 4-user
 * micro-kernel, k = 1, 7, 13, 64, 100), and the twin against a double-precision dot product.
 *
 * <p>Tolerance: Vector API vs twin, none: both run the same fused multiply-add chain per score, so
 * they must agree bit for bit. Twin vs double: {@value #REL_TOL} of {@code |b_i| + sum |p_d q_d|}.
 *
 * <p>Inputs sit inside NaN padding (a read outside the range gives NaN); outputs are checked for
 * writes outside their rows.
 */
class PanelKernelsTest {

  static final int[] USERS = {1, 3, 4, 5, 7, 32, 33};
  static final int[] ITEMS = {1, 7, 13, 47, 48, 49, 63, 64, 65, 100, 1025};
  static final int[] DIMS = {1, 7, 13, 64, 100};
  static final double REL_TOL = 1e-5;
  static final int PAD = 29;

  private final PanelKernels panama = new PanamaPanelKernels();
  private final PanelKernels scalar = new ScalarPanelKernels();

  static FactorMatrix gaussian(SplittableRandom rng, int rows, int dim) {
    FactorMatrix m = new FactorMatrix(rows, dim);
    m.fillGaussian(rng, 0.5f);
    return m;
  }

  /** Rows of {@code p} packed at offset {@code off}, NaN around them. */
  static float[] usersPadded(FactorMatrix p, int off) {
    float[] a = new float[off + p.rows() * p.dim() + PAD];
    Arrays.fill(a, Float.NaN);
    for (int u = 0; u < p.rows(); u++) p.copyRow(u, a, off + u * p.dim());
    return a;
  }

  /** Scores every user against every tile with {@code k}; row stride {@code stride}, at {@code oo}. */
  static float[] scoreAll(PanelKernels k, float[] users, int uo, int nUsers, int dim, ItemPanels panels, int oo,
      int stride) {
    float[] out = new float[oo + nUsers * stride + PAD];
    Arrays.fill(out, Float.NaN);
    float[] tileOut = new float[nUsers * panels.tileItems()];
    for (int t = 0; t < panels.tileCount(); t++) {
      // Panels of a tile start after a NaN guard, so an over-read of the tile array shows up.
      float[] tile = panels.tile(t);
      float[] guarded = new float[PAD + tile.length + PAD];
      Arrays.fill(guarded, Float.NaN);
      System.arraycopy(tile, 0, guarded, PAD, tile.length);
      k.scorePanels(users, uo, nUsers, dim, guarded, PAD, panels.panelsIn(t), panels.width(), tileOut, 0,
          panels.tileItems());
      for (int u = 0; u < nUsers; u++) {
        System.arraycopy(tileOut, u * panels.tileItems(), out, oo + u * stride + panels.firstItem(t),
            panels.itemsIn(t));
      }
    }
    return out;
  }

  @Test
  void vectorAgreesWithScalarBitForBit() {
    int width = new PanamaPanelKernels().preferredWidth();
    for (int dim : DIMS) {
      for (int nItems : ITEMS) {
        for (int nUsers : USERS) {
          SplittableRandom rng = new SplittableRandom(31L * dim + 7L * nItems + nUsers);
          FactorMatrix p = gaussian(rng, nUsers, dim);
          FactorMatrix q = gaussian(rng, nItems, dim);
          float[] bias = nUsers % 2 == 0 ? null : new float[nItems];
          if (bias != null) for (int i = 0; i < nItems; i++) bias[i] = (float) rng.nextGaussian();
          // Small tiles (2 panels) so that several tiles and a partial last one are exercised.
          for (int w : new int[] {width, 5}) {
            ItemPanels panels = new ItemPanels(q, bias, w, 2);
            float[] users = usersPadded(p, 3);
            int stride = nItems + 2;
            float[] a = scoreAll(panama, users, 3, nUsers, dim, panels, 1, stride);
            float[] b = scoreAll(scalar, users, 3, nUsers, dim, panels, 1, stride);
            String what = "users " + nUsers + " items " + nItems + " dim " + dim + " width " + w;
            for (int j = 0; j < a.length; j++) {
              if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(b[j])) {
                fail("index %d: vector %s, scalar %s, %s", j, a[j], b[j], what);
              }
            }
            assertScalarMatchesDouble(b, 1, stride, p, q, bias, what);
          }
        }
      }
    }
  }

  /** The twin computes {@code b_i + p_u . q_i}; padding cells of {@code out} stay NaN. */
  static void assertScalarMatchesDouble(float[] out, int oo, int stride, FactorMatrix p, FactorMatrix q, float[] bias,
      String what) {
    for (int u = 0; u < p.rows(); u++) {
      for (int i = 0; i < q.rows(); i++) {
        double s = bias == null ? 0 : bias[i];
        double mag = Math.abs(s);
        for (int d = 0; d < p.dim(); d++) {
          double t = (double) p.get(u, d) * q.get(i, d);
          s += t;
          mag += Math.abs(t);
        }
        float got = out[oo + u * stride + i];
        if (!(Math.abs(got - s) <= REL_TOL * mag + 1e-30)) {
          fail("user %d item %d: %s vs exact %s, %s", u, i, got, s, what);
        }
      }
      for (int i = q.rows(); i < stride; i++) {
        assertThat(out[oo + u * stride + i]).as("gap cell %d of user %d, %s", i, u, what).isNaN();
      }
    }
  }

  /** Hand-checked layout: 3 items of dim 2 in panels of width 2 -> two panels, one padded. */
  @Test
  void layoutIsBiasRowThenDimensionRows() {
    FactorMatrix q = new FactorMatrix(3, 2);
    q.setRow(0, new float[] {1, 2}, 0);
    q.setRow(1, new float[] {3, 4}, 0);
    q.setRow(2, new float[] {5, 6}, 0);
    ItemPanels panels = new ItemPanels(q, new float[] {0.1f, 0.2f, 0.3f}, 2, 8);
    assertThat(panels.tileCount()).isEqualTo(1);
    assertThat(panels.panelsIn(0)).isEqualTo(2);
    assertThat(panels.itemsIn(0)).isEqualTo(3);
    assertThat(panels.tile(0)).containsExactly(
        0.1f, 0.2f, 1, 3, 2, 4, // panel 0: biases, d=0, d=1
        0.3f, 0, 5, 0, 6, 0); // panel 1: item 2 and a zero padding slot
    ItemPanels noBias = new ItemPanels(q, null, 4, 1);
    assertThat(noBias.tile(0)).containsExactly(0, 0, 0, 0, 1, 3, 5, 0, 2, 4, 6, 0);
    ItemPanels empty = new ItemPanels(new FactorMatrix(0, 3), null, 48, 4);
    assertThat(empty.tileCount()).isZero();
  }

  @Test
  void tilesSplitAtPanelsPerTile() {
    ItemPanels panels = new ItemPanels(gaussian(new SplittableRandom(1), 23, 3), null, 4, 2);
    assertThat(panels.tileCount()).isEqualTo(3); // 6 panels of 4
    assertThat(panels.tileItems()).isEqualTo(8);
    assertThat(new int[] {panels.itemsIn(0), panels.itemsIn(1), panels.itemsIn(2)}).containsExactly(8, 8, 7);
    assertThat(panels.firstItem(2)).isEqualTo(16);
  }

  @Test
  void nextAtLeastAgreesWithScalar() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int n : new int[] {0, 1, 7, 15, 16, 17, 31, 32, 33, 64, 65, 207, 702}) {
      float[] s = new float[n + 3];
      for (int j = 0; j < s.length; j++) {
        double r = rng.nextDouble();
        s[j] = r < 0.05 ? Float.NaN : r < 0.1 ? Float.NEGATIVE_INFINITY : (float) rng.nextGaussian();
      }
      for (float threshold : new float[] {Float.NEGATIVE_INFINITY, -1f, 0f, 1.5f, 3f, Float.NaN}) {
        for (int from = 0; from <= Math.min(n, 5); from++) {
          int to = n + (from % 2);
          for (int j = from; j <= to; ) {
            int a = panama.nextAtLeast(s, j, to, threshold);
            int b = scalar.nextAtLeast(s, j, to, threshold);
            assertThat(a).as("n %d from %d to %d threshold %s", n, j, to, threshold).isEqualTo(b);
            j = a + 1;
          }
        }
      }
    }
  }

  @Test
  void facadeRejectsBadShapes() {
    float[] users = new float[8];
    float[] panels = new float[3 * 4 * 2];
    float[] out = new float[16];
    assertThatThrownBy(() -> PanelScoring.scorePanels(users, 0, 2, 4, panels, 0, 2, 4, out, 0, 7))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("outStride 7 < nPanels * width = 8");
    assertThatThrownBy(() -> PanelScoring.scorePanels(users, 1, 2, 4, panels, 0, 1, 4, out, 0, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("users: range [1, 1+8) outside array of length 8");
    assertThatThrownBy(() -> PanelScoring.scorePanels(users, 0, 2, 4, panels, 0, 2, 4, out, 0, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("panels: range [0, 0+40) outside array of length 24");
    assertThatThrownBy(() -> PanelScoring.nextAtLeast(out, 5, 3, 0f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("from 5 > to 3");
    assertThatThrownBy(() -> new ItemPanels(new FactorMatrix(3, 2), new float[2], 4, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bias length 2 != items 3");
  }
}
