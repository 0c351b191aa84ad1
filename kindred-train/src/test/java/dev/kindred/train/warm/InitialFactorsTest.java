package dev.kindred.train.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Recommenders;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.Evaluator;
import dev.kindred.math.FactorMatrix;
import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.registry.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Warm start through the registry: a model warm-started from one trained on the same data starts
 * at its quality and keeps it, new ids get fresh rows, and a mismatched earlier model is refused.
 */
class InitialFactorsTest {

  static final Split IMPLICIT = Splits.perUser(new SyntheticGenerator(SyntheticConfig.of(600, 200, 24_000, 3)
      .withImplicit(true).withRank(4).withNoise(0).withPopularityExponent(0.2)).generateInMemory(), 0.2, 5L);
  static final Split RATINGS = Splits.perUser(new SyntheticGenerator(SyntheticConfig.of(600, 200, 24_000, 3)
      .withRank(4)).generateInMemory(), 0.2, 5L);

  static ModelSpec.Configured<?> configured(String model, int epochs) {
    return Models.get(model).configure(Map.of("--epochs", Integer.toString(epochs), "--factors", "8"), 2, 11L);
  }

  static LatentFactorModel fit(ModelSpec.Configured<?> c, Interactions train) {
    return (LatentFactorModel) c.trainer().fit(train);
  }

  /** Recall@20 for ranking models, negative RMSE for rating models: higher is better either way. */
  static double quality(String model, LatentFactorModel m, Split s) {
    if (Models.get(model).valueUse() == ModelSpec.ValueUse.RATINGS) return -Evaluator.ratingMetrics(m, s.test()).get("rmse");
    return Evaluator.rankingMetrics(Recommenders.of(m), s.train(), s.test(), new int[] {20}).get("recall@20");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mf-sgd", "als", "ials", "bpr"})
  void warmStartFromTheSameDataStartsAtTheOldQualityAndKeepsIt(String model) {
    boolean ratings = Models.get(model).valueUse() == ModelSpec.ValueUse.RATINGS;
    Split s = ratings ? RATINGS : IMPLICIT;
    int full = ratings || model.equals("ials") ? 15 : 40;
    LatentFactorModel old = fit(configured(model, full), s.train());
    LatentFactorModel warm = fit(configured(model, 1).initFrom(InitialFactors.from(old, "old.bin")), s.train());
    double q0 = quality(model, old, s);
    double qw = quality(model, warm, s);
    // Tolerance: one more epoch from the converged factors moves recall@20 or RMSE by less than
    // 0.02 on this data (measured: within 0.023 better, 0.001 worse at most).
    assertThat(qw).as("%s warm after 1 epoch vs the old model", model).isGreaterThanOrEqualTo(q0 - 0.02);
    // The item factors moved little from the old ones (two unrelated fits are about sqrt(2) apart).
    assertThat(relativeDistance(warm.itemFactors(), old.itemFactors())).as(model).isLessThan(0.5);
  }

  static double relativeDistance(FactorMatrix a, FactorMatrix b) {
    double d = 0;
    double n = 0;
    for (int r = 0; r < a.rows(); r++) {
      for (int c = 0; c < a.dim(); c++) {
        double x = a.get(r, c) - b.get(r, c);
        d += x * x;
        n += (double) b.get(r, c) * b.get(r, c);
      }
    }
    return Math.sqrt(d / n);
  }

  @Test
  void knownRowsAreCopiedByExternalIdAndNewOnesAppended() {
    Interactions all = IMPLICIT.train();
    // The earlier model knew the first 500 users and 150 items, listed in reverse order.
    List<String> users = new ArrayList<>();
    for (int u = 499; u >= 0; u--) users.add(all.userIndex().externalId(u));
    List<String> items = new ArrayList<>();
    for (int i = 149; i >= 0; i--) items.add(all.itemIndex().externalId(i));
    Interactions before = all.onto(IdIndex.ofStrings(users), IdIndex.ofStrings(items));
    LatentFactorModel old = fit(configured("ials", 3), before);

    FactorMatrix p = new FactorMatrix(all.numUsers(), 8);
    FactorMatrix q = new FactorMatrix(all.numItems(), 8);
    p.fillUniform(new java.util.SplittableRandom(1), 5f);
    q.fillUniform(new java.util.SplittableRandom(2), 5f);
    FactorMatrix p0 = p.copy();
    FactorMatrix q0 = q.copy();
    InitialFactors.Carried c = InitialFactors.from(old, "old.bin").apply("ials", all, p, q, null, null);
    assertThat(c).isEqualTo(new InitialFactors.Carried(500, 150));
    for (int u = 0; u < all.numUsers(); u++) {
      int o = old.userIndex().indexOf(all.userIndex().externalId(u));
      assertThat(p.row(u)).as("user %d", u).containsExactly(o >= 0 ? old.userFactors().row(o) : p0.row(u));
    }
    for (int i = 0; i < all.numItems(); i++) {
      int o = old.itemIndex().indexOf(all.itemIndex().externalId(i));
      assertThat(q.row(i)).as("item %d", i).containsExactly(o >= 0 ? old.itemFactors().row(o) : q0.row(i));
    }
    LatentFactorModel warm = fit(configured("ials", 2).initFrom(InitialFactors.from(old, "old.bin")), all);
    assertThat(warm.numUsers()).isEqualTo(all.numUsers());
    assertThat(warm.numItems()).isEqualTo(all.numItems());
  }

  @Test
  void anEarlierModelOfAnotherAlgorithmOrDimensionIsRefusedNamingIt() {
    Interactions d = IMPLICIT.train();
    LatentFactorModel als = fit(configured("als", 2), d);
    assertThatThrownBy(() -> fit(configured("ials", 1).initFrom(InitialFactors.from(als, "m/old.bin")), d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("m/old.bin: was trained by als, not ials; a warm start needs a model of the same algorithm");
    ModelSpec.Configured<?> wide = Models.get("als").configure(Map.of("--factors", "16"), 2, 11L);
    assertThatThrownBy(() -> fit(wide.initFrom(InitialFactors.from(als, "m/old.bin")), d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("m/old.bin: has 8 factors, the new als model 16");
    ModelSpec.Configured<?> ease = Models.get("ease").configure(Map.of(), 2, 11L);
    assertThatThrownBy(() -> ease.initFrom(InitialFactors.from(als, "m/old.bin")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--init-from does not apply to --model ease (warm start: mf-sgd, als, ials, bpr)");
    LatentFactorModel biased = fit(configured("mf-sgd", 1), RATINGS.train());
    ModelSpec.Configured<?> unbiased = Models.get("mf-sgd").configure(Map.of("--factors", "8", "--no-biases", ""),
        2, 11L);
    assertThatThrownBy(() -> fit(unbiased.initFrom(InitialFactors.from(biased, "b.bin")), RATINGS.train()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b.bin: has biases, the new mf-sgd model does not");
  }
}
