package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Popularity and item-item models survive a write and read through {@link ModelFile} bit for bit. */
class BaselineModelFileTest {

  @TempDir
  Path dir;

  static void assertSameHistories(Interactions got, Interactions expected) {
    assertThat(got.userIndex()).isEqualTo(expected.userIndex());
    assertThat(got.itemIndex()).isEqualTo(expected.itemIndex());
    assertThat(got.userPtr()).isEqualTo(expected.userPtr());
    assertThat(got.itemIdx()).isEqualTo(expected.itemIdx());
    assertThat(got.values()).isEqualTo(expected.values());
  }

  @Test
  void popularityRoundTrip() throws IOException {
    IdIndex users = IdIndex.ofStrings(List.of("ann", "bo", "cy"));
    IdIndex items = IdIndex.ofLongs(new long[] {10, 20, 30, 40, 50, 60});
    Interactions h = new Interactions(users, items, 3, 6, new int[] {0, 2, 2, 5}, new int[] {1, 5, 0, 2, 3},
        new float[] {1, 2, 3, 4, 5}, null);
    PopularityModel m = new PopularityModel(Fixtures.provenance("pop"), new float[] {3, 5, 5, 1, 0, -0f}, h);
    Path f = dir.resolve("pop.kdr");
    ModelFile.write(m, f);
    Model read = ModelFile.read(f);
    assertThat(read).isInstanceOf(PopularityModel.class);
    PopularityModel r = (PopularityModel) read;
    assertThat(r.kind()).isEqualTo("popularity");
    assertThat(r.provenance()).isEqualTo(m.provenance());
    assertThat(r.itemScores()).isEqualTo(m.itemScores());
    assertSameHistories(r.histories(), h);
    RecommendOptions seen = RecommendOptions.excludeSeen(h);
    for (int u = 0; u < 3; u++) {
      assertThat(new PopularityRecommender(r).recommend(u, 4, seen).items())
          .isEqualTo(new PopularityRecommender(m).recommend(u, 4, seen).items());
    }
  }

  @Test
  void itemItemRoundTripBothLayouts() throws IOException {
    for (ItemItemModel m : ItemItemRecommenderTest.models()) {
      Path f = dir.resolve("ii-" + m.layout() + "-" + m.numItems() + ".kdr");
      ModelFile.write(m, f);
      Model read = ModelFile.read(f);
      assertThat(read).isInstanceOf(ItemItemModel.class);
      ItemItemModel r = (ItemItemModel) read;
      assertThat(r.kind()).isEqualTo("item-item");
      assertThat(r.provenance()).isEqualTo(m.provenance());
      assertThat(r.layout()).isEqualTo(m.layout());
      assertThat(r.binary()).isEqualTo(m.binary());
      assertSameHistories(r.histories(), m.histories());
      assertThat(r.neighbourPtr()).isEqualTo(m.neighbourPtr());
      assertThat(r.neighbourIdx()).isEqualTo(m.neighbourIdx());
      assertThat(r.neighbourWeights()).isEqualTo(m.neighbourWeights());
      assertThat(r.denseWeights()).isEqualTo(m.denseWeights());
      RecommendOptions seen = RecommendOptions.excludeSeen(m.histories());
      int[] users = java.util.stream.IntStream.range(0, m.numUsers()).toArray();
      ScoredItems[] a = Recommenders.of(r).recommendAll(users, 5, seen, 2);
      ScoredItems[] b = Recommenders.of(m).recommendAll(users, 5, seen, 2);
      for (int u = 0; u < users.length; u++) assertThat(a[u].items()).isEqualTo(b[u].items());
    }
  }
}
