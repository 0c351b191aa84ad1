package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.FactorMatrix;
import org.junit.jupiter.api.Test;

class LatentFactorModelTest {

  static FactorMatrix matrix(int dim, float... values) {
    FactorMatrix m = new FactorMatrix(values.length / dim, dim);
    m.setRow(0, values, 0);
    for (int r = 1; r < m.rows(); r++) m.setRow(r, values, r * dim);
    return m;
  }

  /**
   * Hand-checked: mu = 3.5, b_u = 0.25, b_i = -0.5, p_u = (1, 2), q_i = (3, -1), so the score is
   * 3.5 + 0.25 - 0.5 + (3 - 2) = 4.25, exact in float.
   */
  @Test
  void scoreIsMeanPlusBiasesPlusDot() {
    LatentFactorModel m = new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2), IdIndex.identity(1),
        3.5f, new float[] {0f, 0.25f}, new float[] {-0.5f}, matrix(2, 0, 0, 1, 2), matrix(2, 3, -1));
    assertThat(m.score(1, 0)).isEqualTo(4.25f);
    assertThat(m.score(0, 0)).isEqualTo(3.0f);
    assertThat(m.score(new float[] {2, 2}, 1f, 0)).as("fold-in vector").isEqualTo(3.5f + 1f - 0.5f + 4f);
    assertThat(m.kind()).isEqualTo("latent-factor");
    assertThat(m.dim()).isEqualTo(2);
    assertThat(m.numUsers()).isEqualTo(2);
    assertThat(m.numItems()).isEqualTo(1);
    assertThat(m.hasBiases()).isTrue();
  }

  /** Same hand-checked model, clipped to [4.5, 5] and then to [1, 4]: 4.25 becomes 4.5, then 4. */
  @Test
  void scoreIsClippedToTheRatingScale() {
    LatentFactorModel unclipped = new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2),
        IdIndex.identity(1), 3.5f, new float[] {0f, 0.25f}, new float[] {-0.5f}, matrix(2, 0, 0, 1, 2), matrix(2, 3, -1));
    assertThat(unclipped.scoreMin()).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(unclipped.scoreMax()).isEqualTo(Float.POSITIVE_INFINITY);
    LatentFactorModel low = new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2),
        IdIndex.identity(1), 3.5f, new float[] {0f, 0.25f}, new float[] {-0.5f}, matrix(2, 0, 0, 1, 2), matrix(2, 3, -1),
        4.5f, 5f);
    assertThat(low.score(1, 0)).isEqualTo(4.5f);
    assertThat(low.score(0, 0)).isEqualTo(4.5f);
    assertThat(low.score(new float[] {1, 1}, 0f, 0)).as("fold-in, 3 + 2 = 5").isEqualTo(5f);
    assertThat(low.score(new float[] {9, 9}, 0f, 0)).isEqualTo(5f);
    LatentFactorModel high = new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2),
        IdIndex.identity(1), 3.5f, new float[] {0f, 0.25f}, new float[] {-0.5f}, matrix(2, 0, 0, 1, 2), matrix(2, 3, -1),
        1f, 4f);
    assertThat(high.score(1, 0)).isEqualTo(4f);
    assertThat(high.score(0, 0)).isEqualTo(3f);
    for (float[] bad : new float[][] {{5f, 1f}, {Float.NaN, 1f}, {1f, Float.NaN}}) {
      assertThatThrownBy(() -> new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2),
          IdIndex.identity(1), 0f, null, null, matrix(2, 0, 0, 1, 2), matrix(2, 3, -1), bad[0], bad[1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("scoreMin " + bad[0] + " > scoreMax " + bad[1]);
    }
  }

  /** Random model against a double-precision loop; tolerance 1e-5 of the sum of |terms|. */
  @Test
  void scoreMatchesAnExplicitLoop() {
    for (boolean biases : new boolean[] {true, false}) {
      LatentFactorModel m = Fixtures.model(9, 7, 11, 37, biases);
      for (int u = 0; u < 7; u++) {
        for (int i = 0; i < 11; i++) {
          double s = m.globalMean() + m.userBias(u) + m.itemBias(i);
          double mag = Math.abs(m.globalMean()) + Math.abs(m.userBias(u)) + Math.abs(m.itemBias(i));
          for (int c = 0; c < m.dim(); c++) {
            double t = (double) m.userFactors().get(u, c) * m.itemFactors().get(i, c);
            s += t;
            mag += Math.abs(t);
          }
          assertThat((double) m.score(u, i)).as("u %d i %d", u, i).isCloseTo(s, within(1e-5 * mag));
        }
      }
      if (!biases) {
        assertThat(m.userBias(3)).isZero();
        assertThat(m.itemBiases()).isNull();
      }
    }
  }

  @Test
  void nonFiniteParametersAreAFitFailure() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      FactorMatrix p = matrix(2, 1, 2, 3, 4);
      p.set(1, 1, bad);
      assertFitFails(1f, null, null, p, matrix(2, 5, 6));
      FactorMatrix q = matrix(2, 5, 6);
      q.set(0, 0, bad);
      assertFitFails(1f, null, null, matrix(2, 1, 2, 3, 4), q);
      assertFitFails(bad, null, null, matrix(2, 1, 2, 3, 4), matrix(2, 5, 6));
      assertFitFails(1f, new float[] {0, bad}, new float[] {0}, matrix(2, 1, 2, 3, 4), matrix(2, 5, 6));
      assertFitFails(1f, new float[] {0, 0}, new float[] {bad}, matrix(2, 1, 2, 3, 4), matrix(2, 5, 6));
    }
  }

  private static void assertFitFails(float mean, float[] ub, float[] ib, FactorMatrix p, FactorMatrix q) {
    assertThatThrownBy(() -> new LatentFactorModel(Fixtures.provenance("mf-sgd"), IdIndex.identity(2),
        IdIndex.identity(1), mean, ub, ib, p, q))
        .isInstanceOf(ModelFitException.class)
        .hasMessageContaining("non-finite parameters in mf-sgd model");
  }

  @Test
  void shapesMustAgree() {
    Provenance prov = Fixtures.provenance("als");
    assertThatThrownBy(() -> new LatentFactorModel(prov, IdIndex.identity(3), IdIndex.identity(1), 0, null, null,
        matrix(2, 1, 2, 3, 4), matrix(2, 5, 6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("factor rows 2 x 1 do not match id indices 3 x 1");
    assertThatThrownBy(() -> new LatentFactorModel(prov, IdIndex.identity(1), IdIndex.identity(1), 0, null, null,
        matrix(2, 1, 2), matrix(1, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("user dim 2 != item dim 1");
    assertThatThrownBy(() -> new LatentFactorModel(prov, IdIndex.identity(1), IdIndex.identity(1), 0, new float[1], null,
        matrix(1, 1), matrix(1, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("user and item biases must both be present or both absent");
    assertThatThrownBy(() -> new LatentFactorModel(prov, IdIndex.identity(1), IdIndex.identity(1), 0, new float[2],
        new float[1], matrix(1, 1), matrix(1, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bias lengths do not match id indices");
  }
}
