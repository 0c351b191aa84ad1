package dev.kindred.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.DuplicatePolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Duplicate resolution of one partition's encoded rows, hand-checked; no Spark. */
class DuplicateResolverTest {

  /** (user 1, item 2) three times, (user 0, item 5) once; input positions 0..3 as listed. */
  private static List<EncodedRows> batches(boolean reversed) {
    EncodedRows a = new EncodedRows(2, true);
    a.add(1, 2, 3f, 100, 0);
    a.add(1, 2, 5f, 100, 1);
    EncodedRows b = new EncodedRows(2, true);
    b.add(1, 2, 4f, 90, 2);
    b.add(0, 5, 1f, 7, 3);
    return reversed ? List.of(b, a) : List.of(a, b);
  }

  private static List<String> resolve(DuplicatePolicy policy, boolean reversed) {
    List<String> out = new ArrayList<>();
    for (InteractionChunk c : DuplicateResolver.resolve(batches(reversed).iterator(), policy, true, 1)) {
      for (int j = 0; j < c.size(); j++) {
        out.add(c.user(j) + " " + c.item(j) + " " + c.value(j) + " " + c.timestamp(j));
      }
    }
    return out;
  }

  @Test
  void lastKeepsTheLatestTimestampThenTheLaterRow() {
    // timestamps 100, 100, 90: the two at 100 tie, the later row (position 1, value 5) wins
    assertThat(resolve(DuplicatePolicy.LAST, false)).containsExactly("0 5 1.0 7", "1 2 5.0 100");
  }

  @Test
  void maxKeepsTheLargestValueAndItsTimestamp() {
    assertThat(resolve(DuplicatePolicy.MAX, false)).containsExactly("0 5 1.0 7", "1 2 5.0 100");
  }

  @Test
  void sumAddsTheValuesWithTheLatestTimestamp() {
    assertThat(resolve(DuplicatePolicy.SUM, false)).containsExactly("0 5 1.0 7", "1 2 12.0 100");
  }

  @Test
  void theOrderBatchesArriveInDoesNotMatter() {
    for (DuplicatePolicy p : DuplicatePolicy.values()) {
      assertThat(resolve(p, true)).as(p.name()).isEqualTo(resolve(p, false));
    }
  }

  @Test
  void chunksHoldAtMostTheirSizeAndKeepUserThenItemOrder() {
    List<InteractionChunk> chunks = DuplicateResolver.resolve(batches(false).iterator(), DuplicatePolicy.LAST, false, 1);
    assertThat(chunks).hasSize(2).allSatisfy(c -> assertThat(c.size()).isEqualTo(1));
    assertThat(chunks.get(0).user(0)).isZero();
    assertThat(chunks.get(1).hasTimestamps()).isFalse();
  }
}
