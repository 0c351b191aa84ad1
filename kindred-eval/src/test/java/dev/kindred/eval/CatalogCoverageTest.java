package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Tolerance 1e-6. */
class CatalogCoverageTest {

  private static final Offset<Double> TOL = within(1e-6);

  @Test
  void countsDistinctItemsInTheTopKOverTheCatalog() {
    int[][] lists = {{0, 1, 2}, {1, 2, 3}, {}};
    // top-2: {0, 1} and {1, 2} -> {0, 1, 2}: 3 / 10
    assertThat(CatalogCoverage.of(lists, 10, 2)).isCloseTo(0.3, TOL);
    // top-3: {0, 1, 2, 3}: 4 / 10; K beyond the lists changes nothing
    assertThat(CatalogCoverage.of(lists, 10, 3)).isCloseTo(0.4, TOL);
    assertThat(CatalogCoverage.of(lists, 10, 50)).isCloseTo(0.4, TOL);
  }

  @Test
  void rejectsItemsOutsideTheCatalog() {
    CatalogCoverage c = new CatalogCoverage(4, 2);
    assertThatThrownBy(() -> c.add(new int[] {1, 4}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("item 4 at rank 2 outside the catalog [0, 4)");
    assertThatThrownBy(() -> new CatalogCoverage(0, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
