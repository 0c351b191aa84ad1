package dev.kindred.train.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.Interactions;
import dev.kindred.core.Recommender;
import dev.kindred.core.Recommenders;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Planted implicit data, per-user 75/25 split, held-out recall@10: the personal models must beat
 * popularity. Every fit and the evaluation are deterministic (fixed seeds, results independent of
 * the thread count), so the margins below are exact for these seeds, not statistical.
 */
class BaselinesPlantedTest {

  static double recallAt10(Recommender rec, Split s) {
    return Evaluator.rankingMetrics(rec, s.train(), s.test(), new int[] {10}, EvalOptions.defaults().withThreads(2))
        .get("recall@10");
  }

  static double[] fitAll(Interactions data, float lambda) {
    Split s = Splits.perUser(data, 0.25, 42);
    double pop = recallAt10(Recommenders.of(new PopularityTrainer(PopularityConfig.DEFAULTS).fit(s.train())), s);
    double knn = recallAt10(Recommenders.of(new ItemKnnTrainer(ItemKnnConfig.DEFAULTS).fit(s.train())), s);
    double ease = recallAt10(Recommenders.of(new EaseTrainer(EaseConfig.DEFAULTS.withLambda(lambda)).fit(s.train())), s);
    return new double[] {pop, knn, ease};
  }

  /**
   * The project's generator, uniform popularity, rank 2, no noise. Its implicit events carry a weak
   * personal signal (acceptance {@code sigmoid(2 (b_i + p.q))} of popularity-drawn candidates): even
   * ranking by the planted score itself reaches only recall@10 = 0.131 here. Measured: pop 0.1045,
   * itemknn (TF-IDF, 100 neighbours) 0.1126, EASE (lambda 100) 0.1083.
   */
  @Test
  void beatPopularityOnGeneratedImplicitData() {
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(3000, 200, 150_000, 21).withImplicit(true)
        .withPopularityExponent(0).withRank(2).withNoise(0)).generateInMemory();
    double[] r = fitAll(data, 100f);
    assertThat(r[1]).as("itemknn %s vs pop %s", r[1], r[0]).isGreaterThan(1.03 * r[0]);
    assertThat(r[2]).as("ease %s vs pop %s", r[2], r[0]).isGreaterThan(1.02 * r[0]);
  }

  /**
   * Checkerboard with a popular head: 4 groups of 100 users and 20 items; each user has 12 random
   * items of the own group's block and each of the 5 head items (outside every block) with
   * probability 0.3. Popularity recommends the head and then blocks at random; the item-item models
   * recommend the own block (ceiling about 0.9: 3 held-out of 11 unseen block items). Measured: pop
   * 0.169, itemknn 0.799, EASE 0.739.
   */
  @Test
  void recoverPlantedGroups() {
    int groups = 4;
    int usersPerGroup = 100;
    int block = 20;
    int head = 5;
    int n = head + groups * block;
    SplittableRandom rng = new SplittableRandom(7);
    int[][] rows = new int[groups * usersPerGroup][];
    for (int u = 0; u < rows.length; u++) {
      int g = u / usersPerGroup;
      java.util.TreeSet<Integer> items = new java.util.TreeSet<>();
      for (int h = 0; h < head; h++) if (rng.nextDouble() < 0.3) items.add(h);
      int own = 0;
      while (own < 12) {
        if (items.add(head + g * block + rng.nextInt(block))) own++;
      }
      rows[u] = items.stream().mapToInt(Integer::intValue).toArray();
    }
    double[] r = fitAll(Hand.of(n, rows, null), 10f);
    assertThat(r[1]).as("itemknn %s vs pop %s", r[1], r[0]).isGreaterThan(4 * r[0]);
    assertThat(r[2]).as("ease %s vs pop %s", r[2], r[0]).isGreaterThan(4 * r[0]);
  }
}
