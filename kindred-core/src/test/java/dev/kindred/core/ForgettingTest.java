package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForgettingTest {

  @TempDir
  Path dir;

  /** String ids that no other id contains, so a byte scan for the forgotten one is meaningful. */
  private static IdIndex userIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < n; u++) ids.add("person-" + (char) ('a' + u % 26) + u);
    ids.set(3, "forget-me-zq");
    return IdIndex.ofStrings(ids);
  }

  private static Interactions renamed(Interactions h, IdIndex users) {
    return new Interactions(users, h.itemIndex(), h.numUsers(), h.numItems(), h.userPtr(), h.itemIdx(), h.values(),
        h.timestamps());
  }

  private static List<Model> models() {
    LatentFactorModel f = Fixtures.model(1, 8, 20, 4, true);
    LatentFactorModel lf = new LatentFactorModel(f.provenance(), userIds(8), f.itemIndex(), f.globalMean(),
        f.userBiases(), f.itemBiases(), f.userFactors(), f.itemFactors());
    ItemItemModel s = ItemItemRecommenderTest.sparseModel(2, 8, 20, false);
    ItemItemModel knn = ItemItemModel.sparse(s.provenance(), renamed(s.histories(), userIds(8)), s.binary(),
        s.neighbourPtr(), s.neighbourIdx(), s.neighbourWeights());
    ItemItemModel d = ItemItemRecommenderTest.denseModel(3, 8, 20, true);
    ItemItemModel ease = ItemItemModel.dense(d.provenance(), renamed(d.histories(), userIds(8)), true, d.denseWeights());
    GraphFilterModel g = GraphFilterRecommenderTest.model(4, 8, 20, 0.3, 3, 0.5f);
    GraphFilterModel gf = new GraphFilterModel(g.provenance(), renamed(g.histories(), userIds(8)), g.normalized(),
        g.idealFactors(), g.idealWeight());
    Interactions h = renamed(Fixtures.randomInteractions(5, 8, 20, 0.3), userIds(8));
    PopularityModel pop = new PopularityModel(Fixtures.provenance("pop"), new float[20], h);
    return List.of(lf, knn, ease, gf, pop);
  }

  @Test
  void theUserIsGoneAndEveryOtherUserScoresAsBefore() throws Exception {
    for (Model m : models()) {
      int u = m.userIndex().indexOf("forget-me-zq");
      Model f = Forgetting.withoutUser(m, u);
      assertThat(f.numUsers()).isEqualTo(m.numUsers() - 1);
      assertThat(f.userIndex().indexOf("forget-me-zq")).as(m.kind()).isEqualTo(-1);
      for (int v = 0; v < m.numUsers(); v++) {
        if (v == u) continue;
        int w = f.userIndex().indexOf(m.userIndex().externalId(v));
        assertThat(w).isEqualTo(v < u ? v : v - 1);
        if (m instanceof GraphFilterModel) continue; // its linear term loses the user's row: scores may move
        for (int i = 0; i < m.numItems(); i++) {
          assertThat(f.score(w, i)).as("%s user %d item %d", m.kind(), v, i).isEqualTo(m.score(v, i));
        }
      }
      // Round trip, and a byte scan of the file for the id.
      Path file = dir.resolve(m.kind() + ".kdm");
      ModelFile.write(f, file);
      assertThat(holds(Files.readAllBytes(file), "forget-me-zq".getBytes(StandardCharsets.UTF_8))).as(m.kind()).isFalse();
      ModelFile.write(m, file);
      // The scan finds the id when it is there.
      assertThat(holds(Files.readAllBytes(file), "forget-me-zq".getBytes(StandardCharsets.UTF_8))).as(m.kind()).isTrue();
      assertThat(ModelFile.read(file).numUsers()).isEqualTo(m.numUsers());
    }
  }

  @Test
  void idIndexWithoutKeepsTheOtherIdsInOrder() {
    IdIndex numeric = IdIndex.ofLongs(new long[] {10, 20, 30});
    assertThat(numeric.without(1).longIds()).containsExactly(10, 30);
    assertThat(numeric.without(2).indexOf("30")).isEqualTo(-1);
    IdIndex strings = IdIndex.ofStrings(List.of("a", "b", "c"));
    assertThat(strings.without(0).stringIds()).containsExactly("b", "c");
  }

  @Test
  void interactionsWithoutAUserDropOnlyItsRow() {
    Interactions h = Fixtures.randomInteractions(9, 6, 10, 0.5);
    Interactions w = h.withoutUser(2, h.userIndex().without(2));
    assertThat(w.numUsers()).isEqualTo(5);
    assertThat(w.size()).isEqualTo(h.size() - h.userDegree(2));
    for (int u = 0; u < 6; u++) {
      if (u == 2) continue;
      assertThat(w.itemsOf(u < 2 ? u : u - 1)).containsExactly(h.itemsOf(u));
    }
  }

  /** Byte scan: whether {@code needle} occurs anywhere in {@code hay} (ISO-8859-1 maps each byte to one char). */
  static boolean holds(byte[] hay, byte[] needle) {
    return new String(hay, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
  }
}
