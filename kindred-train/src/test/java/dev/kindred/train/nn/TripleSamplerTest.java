package dev.kindred.train.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.Interactions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.bpr.NegativeSampler;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TripleSamplerTest {

  static final Interactions TRAIN = new SyntheticGenerator(SyntheticConfig.of(200, 150, 4000, 5)).generateInMemory();

  static TripleSampler sampler(TripleSampler.Scheme scheme) {
    return new TripleSampler(TRAIN, scheme, NegativeSampler.uniform(TRAIN.numItems()));
  }

  @Test
  void interactionsSchemeVisitsEveryPairOnceWithATrueNegative() {
    TripleSampler.Triples t = sampler(TripleSampler.Scheme.INTERACTIONS).epoch(new SplittableRandom(1));
    assertThat(t.size()).isEqualTo(TRAIN.size());
    Set<Long> pairs = new HashSet<>();
    for (int b = 0; b < t.size(); b++) {
      assertThat(TRAIN.contains(t.users()[b], t.positives()[b])).isTrue();
      assertThat(TRAIN.contains(t.users()[b], t.negatives()[b])).isFalse();
      pairs.add((long) t.users()[b] * TRAIN.numItems() + t.positives()[b]);
    }
    assertThat(pairs).hasSize(TRAIN.size());
  }

  @Test
  void usersSchemeDrawsTruePairsAndUsersUniformly() {
    TripleSampler.Triples t = sampler(TripleSampler.Scheme.USERS).epoch(new SplittableRandom(2));
    int[] perUser = new int[TRAIN.numUsers()];
    for (int b = 0; b < t.size(); b++) {
      assertThat(TRAIN.contains(t.users()[b], t.positives()[b])).isTrue();
      assertThat(TRAIN.contains(t.users()[b], t.negatives()[b])).isFalse();
      perUser[t.users()[b]]++;
    }
    // Each active user expects size / activeUsers draws (about 20); 6 sigma of a Poisson count either way.
    double mean = (double) t.size() / TRAIN.activeUsers();
    for (int u = 0; u < TRAIN.numUsers(); u++) {
      if (TRAIN.userDegree(u) > 0) assertThat((double) perUser[u]).isBetween(mean - 6 * Math.sqrt(mean), mean + 6 * Math.sqrt(mean));
    }
  }

  @Test
  void sameSeedSameEpochAndBatchesCoverIt() {
    TripleSampler s = sampler(TripleSampler.Scheme.INTERACTIONS);
    TripleSampler.Triples a = s.epoch(new SplittableRandom(9));
    TripleSampler.Triples b = s.epoch(new SplittableRandom(9));
    assertThat(a.users()).containsExactly(b.users());
    assertThat(a.negatives()).containsExactly(b.negatives());
    assertThat(a.batches(1000)).isEqualTo((TRAIN.size() + 999) / 1000);
  }
}
