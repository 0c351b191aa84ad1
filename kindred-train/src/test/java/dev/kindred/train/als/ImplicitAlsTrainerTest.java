package dev.kindred.train.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.data.Split;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.HalfFactors;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.DataShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImplicitAlsTrainerTest {

  static Interactions train;
  static Interactions test;

  /**
   * Planted implicit events: 4000 users x 200 items, 200k events, rank-2 taste without noise and a
   * mild popularity skew (Zipf exponent 0.3), a stratified 20% of each user's events held out. The
   * generator draws candidates by popularity and keeps each with a probability rising in the planted
   * score, so popularity alone is a strong baseline; rank 2 and no noise leave enough taste in 50
   * events per user for a model to beat it.
   */
  @BeforeAll
  static void data() {
    SyntheticConfig c = SyntheticConfig.of(4000, 200, 200_000, 21).withImplicit(true).withRank(2).withNoise(0)
        .withPopularityExponent(0.3);
    Split s = Splits.perUser(new SyntheticGenerator(c).generateInMemory(), 0.2, 3);
    train = s.train();
    test = s.test();
  }

  static ImplicitAlsConfig small() {
    return ImplicitAlsConfig.DEFAULTS.withFactors(4).withIterations(8).withAlpha(1f).withRegularization(20f)
        .withThreads(2);
  }

  /** Mean over users with test items of |top-10 (training items excluded) ∩ test| / |test|. */
  static double recallAt10(LatentFactorModel m) {
    int[] users = IntStream.range(0, train.numUsers()).filter(u -> test.userDegree(u) > 0).toArray();
    ScoredItems[] lists = new FactorRecommender(m).recommendAll(users, 10, RecommendOptions.excludeSeen(train), 2);
    double sum = 0;
    for (int j = 0; j < users.length; j++) {
      sum += hits(lists[j].items(), users[j]) / (double) test.userDegree(users[j]);
    }
    return sum / users.length;
  }

  /** The same metric for a popularity ranking: the 10 most frequent training items the user has not seen. */
  static double popularityRecallAt10() {
    Integer[] byDegree = IntStream.range(0, train.numItems()).boxed().toArray(Integer[]::new);
    Arrays.sort(byDegree, (a, b) -> Integer.compare(train.itemDegree(b), train.itemDegree(a)));
    double sum = 0;
    int n = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      if (test.userDegree(u) == 0) continue;
      int[] top = new int[10];
      int filled = 0;
      for (int x = 0; x < byDegree.length && filled < 10; x++) {
        if (!train.contains(u, byDegree[x])) top[filled++] = byDegree[x];
      }
      sum += hits(Arrays.copyOf(top, filled), u) / (double) test.userDegree(u);
      n++;
    }
    return sum / n;
  }

  static int hits(int[] items, int u) {
    int h = 0;
    for (int i : items) if (test.contains(u, i)) h++;
    return h;
  }

  @Test
  void beatsPopularityOnHeldOutRecall() {
    LatentFactorModel m = new ImplicitAlsTrainer(small()).fit(train);
    double als = recallAt10(m);
    double pop = popularityRecallAt10();
    // Measured: ALS 0.167 against popularity 0.142 (0.089 vs 0.108 with uniform popularity).
    assertThat(als).isGreaterThan(1.1 * pop);
    assertThat(m.hasBiases()).isFalse();
    assertThat(m.globalMean()).isZero();
    assertThat(m.foldInRule()).isEqualTo(new FoldInRule.Ridge(20f, true, 1f, false));
  }

  @Test
  void conjugateGradientMatchesTheExactSolveInQuality() {
    LatentFactorModel cg = new ImplicitAlsTrainer(small()).fit(train);
    LatentFactorModel exact = new ImplicitAlsTrainer(small().withSolver(AlsSolver.CHOLESKY)).fit(train);
    assertThat(recallAt10(cg)).isCloseTo(recallAt10(exact), within(0.01));
    // And the models themselves are close: scores of held-out pairs differ by a few percent of their spread.
    assertThat(scoreDifference(cg, exact)).isLessThan(0.05);
  }

  /** Sum over held-out pairs of |a - b| scores, relative to the sum of |b| scores. */
  static double scoreDifference(LatentFactorModel a, LatentFactorModel b) {
    double diff = 0;
    double spread = 0;
    int[] ptr = test.userPtr();
    for (int u = 0; u < test.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        int i = test.itemIdx()[j];
        diff += Math.abs(a.score(u, i) - b.score(u, i));
        spread += Math.abs(b.score(u, i));
      }
    }
    return diff / spread;
  }

  @Test
  void sameSeedAndThreadsGiveTheSameModelBitForBit() {
    ImplicitAlsConfig c = small().withIterations(3);
    LatentFactorModel a = new ImplicitAlsTrainer(c).fit(train);
    LatentFactorModel b = new ImplicitAlsTrainer(c).fit(train);
    assertThat(a.userFactors()).isEqualTo(b.userFactors());
    assertThat(a.itemFactors()).isEqualTo(b.itemFactors());
    assertThat(new ImplicitAlsTrainer(c.withSeed(7)).fit(train).itemFactors()).isNotEqualTo(a.itemFactors());
  }

  /**
   * User factors held in bf16 while training: the same recall as fp32 within 0.01 (each user row is
   * rounded to 8 significant bits, which moves scores by a few tenths of a percent), bit-identical
   * across runs, and stored off heap in 2 bytes per element.
   */
  @Test
  void bf16UserStorageKeepsQualityAndIsReproducible() {
    ImplicitAlsConfig bf16 = small().withUserStorage(FactorPrecision.BF16);
    LatentFactorModel half = new ImplicitAlsTrainer(bf16).fit(train);
    LatentFactorModel full = new ImplicitAlsTrainer(small()).fit(train);
    assertThat(half.userStore()).isInstanceOf(HalfFactors.class);
    assertThat(half.userStore().precision()).isEqualTo(FactorPrecision.BF16);
    assertThat(recallAt10(half)).isCloseTo(recallAt10(full), within(0.01));
    assertThat(scoreDifference(half, full)).isLessThan(0.02);
    assertThat(half.provenance().config()).containsEntry("userStorage", "bf16");
    assertThat(new ImplicitAlsTrainer(bf16).fit(train).userFactors()).isEqualTo(half.userFactors());
  }

  @Test
  void reportsEveryIteration() {
    List<ProgressListener.EpochReport> reports = new ArrayList<>();
    new ImplicitAlsTrainer(small().withIterations(4)).fit(train, test, reports::add);
    assertThat(reports).extracting(ProgressListener.EpochReport::epoch).containsExactly(1, 2, 3, 4);
    assertThat(reports).allSatisfy(r -> {
      assertThat(r.epochs()).isEqualTo(4);
      assertThat(r.epochNanos()).isPositive();
      assertThat(r.elapsedNanos()).isGreaterThanOrEqualTo(r.epochNanos());
    });
  }

  @Test
  void countsRaiseConfidence() {
    // Values are confidences' raw counts: doubling one user's values must change that user's vector.
    float[] v = train.values().clone();
    for (int j = train.userPtr()[0]; j < train.userPtr()[1]; j++) v[j] = 3f;
    ImplicitAlsConfig c = small().withIterations(2);
    LatentFactorModel ones = new ImplicitAlsTrainer(c).fit(train);
    LatentFactorModel counts = new ImplicitAlsTrainer(c).fit(train.withValues(v));
    assertThat(counts.userFactors().row(0)).isNotEqualTo(ones.userFactors().row(0));
  }

  @Test
  void autoAlphaIsResolvedFromTheDataShapeAndRecordedInTheModel() {
    // MovieLens 100K u1.base as ratings: 943 x 1650 active, 80,000 ratings of mean 3.53: sparsity
    // 19.45, alpha = a sqrt(19.45) / 3.53 = 1.249 a; the same pairs as events (mean 1): 4.410 a.
    double a = ImplicitAlsConfig.AUTO_ALPHA_SCALE;
    assertThat(ImplicitAlsConfig.autoAlpha(new DataShape(943, 1650, 80_000, 3.53))).isCloseTo((float) (1.2494 * a),
        within(1e-3f));
    assertThat(ImplicitAlsConfig.autoAlpha(DataShape.of(943, 1650, 80_000, 80_000))).isCloseTo((float) (4.4103 * a),
        within(1e-3f));
    // Last.fm HetRec as events (1,892 x 17,632, 92,834 pairs: sparsity 359) would get 37.9: capped.
    assertThat(ImplicitAlsConfig.autoAlpha(DataShape.of(1892, 17632, 92_834, 92_834)))
        .isEqualTo((float) ImplicitAlsConfig.AUTO_ALPHA_CAP);
    assertThat(ImplicitAlsConfig.DEFAULTS.alpha()).isNaN();
    ImplicitAlsConfig given = small();
    assertThat(given.resolve(DataShape.of(train))).isSameAs(given);

    // This class's training data: about 4000 users x 200 items, 160,000 events of value 1: sparsity 5.
    LatentFactorModel m = new ImplicitAlsTrainer(small().withAlpha(Float.NaN)).fit(train);
    float want = (float) (a * Math.sqrt((double) train.activeUsers() * train.activeItems() / train.size()));
    assertThat(want).isCloseTo((float) (a * Math.sqrt(5)), within(0.05f));
    assertThat(Float.parseFloat(m.provenance().config().get("alpha"))).isEqualTo(want);
    assertThat(((FoldInRule.Ridge) m.foldInRule()).alpha()).isEqualTo(want);
  }

  @Test
  void rejectsNegativeValuesAndBadConfig() {
    float[] v = train.values().clone();
    v[5] = -1f;
    assertThatThrownBy(() -> new ImplicitAlsTrainer(small()).fit(train.withValues(v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1.0")
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withAlpha(-1f)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withAlpha(Float.POSITIVE_INFINITY)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withFactors(-3)).hasMessageContaining("factors");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withCgSteps(0)).hasMessageContaining("cgSteps");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withRegularization(-1f)).hasMessageContaining("regularization");
    assertThatThrownBy(() -> ImplicitAlsConfig.DEFAULTS.withThreads(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> new ImplicitAlsTrainer(small()).fit(train.select(new boolean[train.size()])))
        .hasMessageContaining("no interactions");
  }
}
