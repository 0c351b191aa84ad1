package dev.kindred.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.IdIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broadcast id lists of the loader: numeric detection, order, lookups. No Spark. */
class SortedIdsTest {

  @Test
  void canonicalLongsSortNumerically() {
    SortedIds ids = SortedIds.of(List.of("10", "-5", "2"), "user");
    assertThat(ids.toIdIndex()).isEqualTo(IdIndex.ofLongs(new long[] {-5, 2, 10}));
    assertThat(ids.indexOf("10")).isEqualTo(2);
    assertThat(ids.indexOf("-5")).isZero();
    assertThat(ids.indexOf("3")).isEqualTo(-1);
    assertThat(ids.indexOf("010")).as("not canonical, so not the id 10").isEqualTo(-1);
  }

  @Test
  void oneNonCanonicalIdMakesEveryIdAString() {
    SortedIds ids = SortedIds.of(List.of("7", "007", "x"), "item");
    assertThat(ids.toIdIndex()).isEqualTo(IdIndex.ofStrings(List.of("007", "7", "x")));
    assertThat(ids.indexOf("7")).isEqualTo(1);
    assertThat(ids.indexOf("y")).isEqualTo(-1);
  }

  @Test
  void stringsSortByCodePointAsSparkDoesNotByUtf16Unit() {
    String bmpHigh = "\uFFFD";
    String astral = new String(Character.toChars(0x1F600));
    // UTF-16 order puts the surrogate pair (0xD83D...) first; code points (and UTF-8 bytes) the other way.
    assertThat(astral.compareTo(bmpHigh)).isNegative();
    SortedIds ids = SortedIds.of(List.of(astral, bmpHigh, "a"), "item");
    assertThat(ids.toIdIndex()).isEqualTo(IdIndex.ofStrings(List.of("a", bmpHigh, astral)));
    assertThat(ids.indexOf(astral)).isEqualTo(2);
  }

  @Test
  void aRepeatedIdIsRefused() {
    assertThatThrownBy(() -> SortedIds.of(List.of("4", "4"), "user").toIdIndex())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate id 4");
  }
}
