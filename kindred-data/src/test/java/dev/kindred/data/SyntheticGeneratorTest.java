package dev.kindred.data;

import static dev.kindred.data.TestFiles.identical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticGeneratorTest {

  @TempDir
  Path dir;

  private static final SyntheticConfig SMALL = SyntheticConfig.of(500, 300, 20_000, 42);

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
    Path a = dir.resolve("a.tsv");
    Path b = dir.resolve("b.tsv");
    Path c = dir.resolve("c.tsv");
    new SyntheticGenerator(SMALL).generate(a);
    new SyntheticGenerator(SMALL).generate(b);
    new SyntheticGenerator(SMALL.withSeed(43)).generate(c);
    assertThat(Files.mismatch(a, b)).isEqualTo(-1);
    assertThat(Files.mismatch(a, c)).isNotEqualTo(-1);
    assertThat(Files.readAllLines(a).getFirst()).matches("1\t\\d+\t\\d\\.\\d{3}\t\\d+");
  }

  @Test
  void streamedFileEqualsInMemoryData() throws IOException {
    for (SyntheticConfig config : new SyntheticConfig[] {SMALL, SMALL.withImplicit(true).withSeed(9)}) {
      SyntheticGenerator g = new SyntheticGenerator(config);
      Path f = dir.resolve("g.tsv");
      g.generate(f);
      LoadResult read = InteractionReader.read(f, InteractionFormat.TSV, ReadOptions.DEFAULTS);
      Interactions mem = g.generateInMemory();
      assertThat(read.rowsRead()).isEqualTo(config.interactions());
      assertThat(identical(read.data(), mem)).as("implicit=%s", config.implicit()).isTrue();
    }
  }

  @Test
  void exactCountDistinctPairsRatingsInRangeTimestampsInPeriod() {
    Interactions d = new SyntheticGenerator(SMALL).generateInMemory();
    assertThat(d.size()).as("no pair generated twice (fromCoo would merge it)").isEqualTo(20_000);
    float[] v = d.values();
    for (float x : v) {
      assertThat(x).isBetween(1f, 5f);
      assertThat(Math.round(x * 1000) / 1000f).isEqualTo(x);
    }
    long start = SMALL.startTimestamp();
    for (long t : d.timestamps()) {
      assertThat(t).isBetween(start, start + SMALL.periodSeconds());
    }
    assertThat(d.meanValue()).isBetween(3.2, 3.8);
  }

  @Test
  void plantedNoiseIsMeasurable() {
    for (double noise : new double[] {0.1, 0.5}) {
      SyntheticGenerator g = new SyntheticGenerator(SMALL.withNoise(noise));
      Interactions d = g.generateInMemory();
      double se = 0;
      int[] ptr = d.userPtr();
      for (int u = 0; u < d.numUsers(); u++) {
        long user = d.userIndex().longId(u);
        for (int j = ptr[u]; j < ptr[u + 1]; j++) {
          double e = d.values()[j] - g.expectedRating(user, d.itemIndex().longId(d.itemIdx()[j]));
          se += e * e;
        }
      }
      double rmse = Math.sqrt(se / d.size());
      // Clipping to [1, 5] removes a little noise at the extremes, hence the lower margin.
      assertThat(rmse).as("noise %s", noise).isBetween(noise * 0.85, noise * 1.05);
      assertThat(g.noise()).isEqualTo(noise);
    }
  }

  @Test
  void popularityIsPowerLawButNotIdOrder() {
    Interactions d = new SyntheticGenerator(SMALL).generateInMemory();
    int[] degree = new int[d.numItems()];
    for (int i = 0; i < degree.length; i++) {
      degree[i] = d.itemDegree(i);
    }
    int[] sorted = degree.clone();
    Arrays.sort(sorted);
    long top10 = 0;
    for (int k = sorted.length - 30; k < sorted.length; k++) {
      top10 += sorted[k];
    }
    assertThat(top10).as("top 10%% of items hold a large share").isGreaterThan(d.size() / 4);
    // Most popular item id is not 1 (ids are shuffled against popularity).
    int best = 0;
    for (int i = 1; i < degree.length; i++) {
      if (degree[i] > degree[best]) {
        best = i;
      }
    }
    assertThat(d.itemIndex().longId(best)).isNotEqualTo(1L);
    int maxUser = 0;
    int minUser = Integer.MAX_VALUE;
    for (int u = 0; u < d.numUsers(); u++) {
      maxUser = Math.max(maxUser, d.userDegree(u));
      minUser = Math.min(minUser, d.userDegree(u));
    }
    assertThat(maxUser).as("skewed activity").isGreaterThan(4 * minUser);
  }

  @Test
  void implicitEventsFavourHighPlantedScores() {
    SyntheticGenerator g = new SyntheticGenerator(SMALL.withImplicit(true).withPopularityExponent(0));
    Interactions d = g.generateInMemory();
    assertThat(d.values()).containsOnly(1f);
    double chosen = 0;
    double all = 0;
    for (int u = 0; u < 50; u++) {
      long user = d.userIndex().longId(u);
      for (int j = d.userPtr()[u]; j < d.userPtr()[u + 1]; j++) {
        chosen += g.plantedScore(user, d.itemIndex().longId(d.itemIdx()[j])) / d.userDegree(u);
      }
      for (long item = 1; item <= SMALL.items(); item++) {
        all += g.plantedScore(user, item) / SMALL.items();
      }
    }
    assertThat(chosen / 50).isGreaterThan(all / 50 + 0.2);
  }

  @Test
  void denseUsersUseTheFallbackAndStillGetDistinctItems() {
    SyntheticConfig dense = new SyntheticConfig(20, 50, 900, 4, 0.3, 3.0, true, 5, 1.0, 0, 1000, 0, 1);
    Interactions d = new SyntheticGenerator(dense).generateInMemory();
    assertThat(d.size()).isEqualTo(900);
    int full = 0;
    for (int u = 0; u < d.numUsers(); u++) {
      full += d.userDegree(u) == 50 ? 1 : 0;
    }
    assertThat(full).as("the most active users take every item").isPositive();
    assertThat(new SyntheticGenerator(new SyntheticConfig(3, 4, 12, 2, 0, 1, false, 1, 0, 0, 10, 0, 1))
        .generateInMemory().size()).isEqualTo(12);
    assertThat(new SyntheticGenerator(SyntheticConfig.of(5, 5, 0, 1)).generateInMemory().size()).isZero();
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> SyntheticConfig.of(0, 5, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("users and items must be >= 1");
    assertThatThrownBy(() -> SyntheticConfig.of(3, 3, 10, 1)).hasMessageContaining("users x items = 9");
    assertThatThrownBy(() -> SMALL.withRank(0)).hasMessageContaining("rank");
    assertThatThrownBy(() -> SMALL.withNoise(-1)).hasMessageContaining("noise");
    assertThatThrownBy(() -> SMALL.withPopularityExponent(Double.NaN)).hasMessageContaining("popularityExponent");
    assertThatThrownBy(() -> new SyntheticGenerator(SMALL).expectedRating(0, 1)).hasMessageContaining("user id 0");
    assertThat(new SyntheticGenerator(SMALL).interactionsOf(1)).isPositive();
  }

  /** Mean over the first 50 users of (mean planted score of their items - mean over the catalogue). */
  private static double preferenceGap(SyntheticGenerator g, Interactions d) {
    double gap = 0;
    for (int u = 0; u < 50; u++) {
      long user = d.userIndex().longId(u);
      for (int j = d.userPtr()[u]; j < d.userPtr()[u + 1]; j++) {
        gap += g.plantedScore(user, d.itemIndex().longId(d.itemIdx()[j])) / d.userDegree(u);
      }
      for (long item = 1; item <= g.config().items(); item++) {
        gap -= g.plantedScore(user, item) / g.config().items();
      }
    }
    return gap / 50;
  }

  @Test
  void tasteMakesPlantedPreferencesChooseTheItems() {
    // Popularity alone: chosen items are as good as any (gap about 0: measured -0.01); with taste 4
    // the choice follows the planted score (measured 1.0). Tolerances leave room for other seeds.
    SyntheticGenerator blind = new SyntheticGenerator(SMALL);
    SyntheticGenerator tasteful = new SyntheticGenerator(SMALL.withTaste(4));
    double blindGap = preferenceGap(blind, blind.generateInMemory());
    double tastefulGap = preferenceGap(tasteful, tasteful.generateInMemory());
    assertThat(blindGap).isBetween(-0.15, 0.15);
    assertThat(tastefulGap).isGreaterThan(0.6);
  }

  @Test
  void tasteKeepsCountsDeterminismAndTheFileInMemoryEquality() throws IOException {
    SyntheticConfig c = SMALL.withImplicit(true).withTaste(3).withTasteGroups(4);
    Path a = dir.resolve("ta.tsv");
    Path b = dir.resolve("tb.tsv");
    new SyntheticGenerator(c).generate(a);
    new SyntheticGenerator(c).generate(b);
    assertThat(Files.mismatch(a, b)).isEqualTo(-1);
    LoadResult read = InteractionReader.read(a, InteractionFormat.TSV, ReadOptions.DEFAULTS);
    assertThat(identical(read.data(), new SyntheticGenerator(c).generateInMemory())).isTrue();
    assertThat(read.rowsRead()).isEqualTo(20_000);
    assertThat(SMALL.withTaste(0)).isEqualTo(SMALL);
    // Dense users exhaust their group's mass and complete through the weighted fallback.
    Interactions dense = new SyntheticGenerator(new SyntheticConfig(20, 50, 900, 4, 0.3, 3.0, true, 5, 1.0, 0, 1000,
        6, 2)).generateInMemory();
    assertThat(dense.size()).isEqualTo(900);
  }

  @Test
  void tasteIsValidated() {
    assertThatThrownBy(() -> SMALL.withTaste(-1)).hasMessageContaining("taste must be in [0, 20.0], got -1");
    assertThatThrownBy(() -> SMALL.withTaste(Double.NaN)).hasMessageContaining("taste");
    assertThatThrownBy(() -> SMALL.withTasteGroups(0)).hasMessageContaining("tasteGroups must be >= 1");
  }

  @Test
  void expectedRatingIsTheClippedPlantedScore() {
    SyntheticGenerator g = new SyntheticGenerator(SMALL);
    double s = g.plantedScore(3, 7);
    assertThat(g.expectedRating(3, 7)).isCloseTo(Math.min(5, Math.max(1, s)), within(1e-12));
  }
}
