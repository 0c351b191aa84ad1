package dev.kindred.train.mf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.Interactions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockGridTest {

  @Test
  void everyPairLandsInExactlyOneBlockOfItsRowAndColumnBins() {
    Interactions d = new SyntheticGenerator(SyntheticConfig.of(700, 300, 20_000, 3)).generateInMemory();
    int bins = 7;
    BlockGrid g = new BlockGrid(d, bins, 1.5f, new SplittableRandom(9));
    assertThat(g.start[bins * bins]).isEqualTo(d.size());
    Set<Long> seen = new HashSet<>();
    int[] userBin = new int[d.numUsers()];
    int[] itemBin = new int[d.numItems()];
    java.util.Arrays.fill(userBin, -1);
    java.util.Arrays.fill(itemBin, -1);
    for (int b = 0; b < bins * bins; b++) {
      for (int j = g.start[b]; j < g.start[b + 1]; j++) {
        int u = g.users[j];
        int i = g.items[j];
        assertThat(seen.add((long) u << 32 | i)).isTrue();
        assertThat(userBin[u] == -1 || userBin[u] == b / bins).isTrue();
        assertThat(itemBin[i] == -1 || itemBin[i] == b % bins).isTrue();
        userBin[u] = b / bins;
        itemBin[i] = b % bins;
        // Values are stored relative to the offset (the global mean).
        int pos = java.util.Arrays.binarySearch(d.itemIdx(), d.userPtr()[u], d.userPtr()[u + 1], i);
        assertThat(g.values[j]).isEqualTo(d.values()[pos] - 1.5f);
      }
    }
    assertThat(seen).hasSize(d.size());
  }

  @Test
  void binsHoldAboutEqualInteractionCountsOnPowerLawData() {
    Interactions d = new SyntheticGenerator(SyntheticConfig.of(3000, 1000, 60_000, 4).withPopularityExponent(1.1))
        .generateInMemory();
    int bins = 8;
    int[] itemBin = BlockGrid.balancedBins(d.itemPtr(), d.numItems(), bins, new SplittableRandom(1));
    long[] count = new long[bins];
    for (int i = 0; i < d.numItems(); i++) count[itemBin[i]] += d.itemDegree(i);
    long max = java.util.Arrays.stream(count).max().orElseThrow();
    int maxItem = 0;
    for (int i = 0; i < d.numItems(); i++) maxItem = Math.max(maxItem, d.itemDegree(i));
    // Each bin is within one heaviest item of the even share.
    assertThat(max).isLessThanOrEqualTo(d.size() / bins + maxItem);
  }
}
