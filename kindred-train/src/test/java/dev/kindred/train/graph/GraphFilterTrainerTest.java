package dev.kindred.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.GraphFilterModel;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Recommenders;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.train.baseline.PopularityConfig;
import dev.kindred.train.baseline.PopularityTrainer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The graph filter on planted data, its reproducibility contract and its configuration errors.
 * Fits and evaluation are deterministic (fixed seeds, results independent of the thread count), so
 * the margins below are exact for these seeds, not statistical.
 */
class GraphFilterTrainerTest {

  static final GraphFilterConfig SMALL = GraphFilterConfig.DEFAULTS.withRank(16).withOversampling(16);

  static double recallAt10(dev.kindred.core.Model m, Split s) {
    return Evaluator.rankingMetrics(Recommenders.of(m), s.train(), s.test(), new int[] {10},
        EvalOptions.defaults().withThreads(2)).get("recall@10");
  }

  /**
   * Planted communities under a popular head: 5 groups of 80 users, each group owning a block of 24
   * items; a user has 10 random items of the own block, and each of the 6 head items (in no block)
   * with probability 0.4. Per-user 75/25 split. Popularity ranks the head first and cannot tell the
   * blocks apart; the filter's item-item part ({@code R~^T R~} stays inside a block apart from the
   * head) ranks the user's own block first. Measured (rank 16): pop 0.218, graph filter 0.474.
   */
  @Test
  void beatsPopularityOnPlantedCommunities() {
    int groups = 5;
    int perGroup = 80;
    int block = 24;
    int head = 6;
    int users = groups * perGroup;
    SplittableRandom rng = new SplittableRandom(19);
    int[] u = new int[users * (head + 10)];
    int[] i = new int[u.length];
    int n = 0;
    for (int user = 0; user < users; user++) {
      for (int h = 0; h < head; h++) {
        if (rng.nextDouble() < 0.4) {
          u[n] = user;
          i[n++] = h;
        }
      }
      int first = head + (user / perGroup) * block;
      for (int pick : rng.ints(first, first + block).distinct().limit(10).toArray()) {
        u[n] = user;
        i[n++] = pick;
      }
    }
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    Interactions data = Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(head + groups * block), users,
        head + groups * block, u, i, ones, null, n, DuplicatePolicy.LAST);
    Split s = Splits.perUser(data, 0.25, 42);
    double pop = recallAt10(new PopularityTrainer(PopularityConfig.DEFAULTS).fit(s.train()), s);
    double gf = recallAt10(new GraphFilterTrainer(SMALL).fit(s.train()), s);
    assertThat(gf).as("graph filter %s vs pop %s", gf, pop).isGreaterThan(2 * pop);
  }

  @Test
  void sameSeedGivesTheSameModelForAnyThreadCount() {
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(500, 200, 8000, 3).withImplicit(true))
        .generateInMemory();
    GraphFilterModel one = new GraphFilterTrainer(SMALL.withThreads(1)).fit(data);
    GraphFilterModel two = new GraphFilterTrainer(SMALL.withThreads(2)).fit(data);
    GraphFilterModel other = new GraphFilterTrainer(SMALL.withThreads(2).withSeed(7)).fit(data);
    assertThat(two.idealFactors()).isEqualTo(one.idealFactors());
    assertThat(two.normalized().values()).isEqualTo(one.normalized().values());
    assertThat(other.idealFactors()).isNotEqualTo(one.idealFactors());
    assertThat(one.provenance().algorithm()).isEqualTo("graph-filter");
    assertThat(one.provenance().config()).containsEntry("rank", "16").containsEntry("idealWeight", "0.3");
  }

  @Test
  void configRejectsInvalidValues() {
    GraphFilterConfig d = GraphFilterConfig.DEFAULTS;
    assertThatThrownBy(() -> d.withRank(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rank must be > 0, or 0 to choose it from the catalogue, got -1");
    assertThatThrownBy(() -> d.withIdealWeight(Float.NaN)).hasMessage("idealWeight must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> d.withPowerIterations(-1)).hasMessage("powerIterations must be >= 0, got -1");
    assertThatThrownBy(() -> d.withOversampling(-2)).hasMessage("oversampling must be >= 0, got -2");
    assertThatThrownBy(() -> d.withThreads(0)).hasMessage("threads must be > 0, got 0");
  }

  @Test
  void rankAboveTheDataIsCappedAtTheSmallerSide() {
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(30, 20, 200, 3).withImplicit(true))
        .generateInMemory();
    GraphFilterModel m = new GraphFilterTrainer(GraphFilterConfig.DEFAULTS.withRank(256)).fit(data);
    assertThat(m.rank()).isEqualTo(20);
    assertThat(m.provenance().config()).as("the rank used, not the one asked for").containsEntry("rank", "20");
  }

  @Test
  void defaultRankGrowsWithTheSquareRootOfTheCatalogue() {
    assertThat(GraphFilterConfig.DEFAULTS.rank()).isEqualTo(GraphFilterConfig.AUTO_RANK);
    assertThat(GraphFilterConfig.autoRank(20)).isEqualTo(16);
    assertThat(GraphFilterConfig.autoRank(1_682)).as("ML-100K").isEqualTo(62);
    assertThat(GraphFilterConfig.autoRank(9_742)).as("MovieLens latest-small").isEqualTo(148);
    assertThat(GraphFilterConfig.autoRank(40_981)).as("Gowalla: GF-CF's published 256").isEqualTo(256);
    assertThat(GraphFilterConfig.DEFAULTS.withRank(100).rankFor(40_981)).isEqualTo(100);
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(400, 300, 6_000, 3).withImplicit(true))
        .generateInMemory();
    GraphFilterModel m = new GraphFilterTrainer(GraphFilterConfig.DEFAULTS).fit(data);
    assertThat(m.rank()).isEqualTo(GraphFilterConfig.autoRank(data.numItems()));
    assertThat(m.provenance().config()).containsEntry("rank", Integer.toString(m.rank()));
  }
}
