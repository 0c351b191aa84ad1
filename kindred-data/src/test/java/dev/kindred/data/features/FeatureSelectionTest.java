package dev.kindred.data.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.CsrMatrix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mutual-information ranking on a hand-checked table, the selection rules, the column mask and the spec parser. */
class FeatureSelectionTest {

  /**
   * Four items; genre "a" on items 0 and 1, "b" on 0 and 2; year 1990 on 0-1, 2000 on 2-3; both
   * users hold items 0 and 1. Genre a and the year ranges split the items exactly as the histories
   * do (mutual information ln 2 per user); genre b is independent of them (0). The bias term is
   * 1 / (2 * 4).
   */
  private static FeatureRanking.Result ranked(FeatureSpace[] spaceOut, CsrMatrix[] matrixOut) {
    Map<String, FieldKind> fields = new LinkedHashMap<>();
    fields.put("genre", FieldKind.MULTI);
    fields.put("year", FieldKind.NUMERIC);
    Map<String, List<FeatureTable.Value>> rows = new LinkedHashMap<>();
    rows.put("0", List.of(v("genre", "a"), v("genre", "b"), v("year", "1990")));
    rows.put("1", List.of(v("genre", "a"), v("year", "1990")));
    rows.put("2", List.of(v("genre", "b"), v("year", "2000")));
    rows.put("3", List.of(v("year", "2000")));
    FeatureTable t = new FeatureTable("t", fields, rows);
    IdIndex items = IdIndex.ofLongs(new long[] {0, 1, 2, 3});
    IdIndex users = IdIndex.ofLongs(new long[] {7, 8});
    Interactions train = Interactions.fromCoo(users, items, 2, 4, new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1},
        new float[] {1, 1, 1, 1}, null, 4, DuplicatePolicy.SUM);
    FeatureSpace space = FeatureSpace.fit(t, items, FeatureSpaceConfig.DEFAULTS.withNumericBuckets(2));
    CsrMatrix m = space.encode(t, items).matrix();
    if (spaceOut != null) spaceOut[0] = space;
    if (matrixOut != null) matrixOut[0] = m;
    return FeatureRanking.rank(m, space, train, FeatureRanking.Side.ITEMS, 100, 1L);
  }

  private static FeatureTable.Value v(String f, String x) {
    return new FeatureTable.Value(f, x);
  }

  @Test
  void mutualInformationOfHandCheckedTables() {
    FeatureRanking.Result r = ranked(null, null);
    double bias = 1.0 / 8;
    Map<String, Double> byName = new LinkedHashMap<>();
    for (FeatureRanking.Scored s : r.features()) byName.put(s.name(), s.score());
    assertThat(byName.get("genre=a")).isCloseTo(Math.log(2) - bias, within(1e-12));
    assertThat(byName.get("genre=b")).isCloseTo(-bias, within(1e-12));
    assertThat(byName.get("year[-inf,2000)")).isCloseTo(Math.log(2) - bias, within(1e-12));
    assertThat(byName.get("year[2000,inf)")).isCloseTo(Math.log(2) - bias, within(1e-12));
    // year: two perfect features; genre: one perfect, one independent.
    assertThat(r.fieldScores().keySet()).containsExactly("year", "genre");
    assertThat(r.fieldScores().get("genre")).isCloseTo(Math.log(2) - 2 * bias, within(1e-12));
    assertThat(r.audience()).isEqualTo(2);
  }

  @Test
  void mutualInformationIsZeroForIndependentAndEntropyForIdenticalSplits() {
    // 10 entities, history of 5, feature on the same 5: I = H(Y) = ln 2.
    assertThat(FeatureRanking.mutualInformation(5, 5, 5, 10)).isCloseTo(Math.log(2), within(1e-12));
    // feature on 4 of 8, history 2 of 8 with 1 in the feature: independent.
    assertThat(FeatureRanking.mutualInformation(1, 4, 2, 8)).isCloseTo(0, within(1e-12));
  }

  @Test
  void rulesDropInOrderAndTheReportSaysWhy() {
    FeatureRanking.Result r = ranked(null, null);
    FeatureSelection.Report top = FeatureSelection.parse("top-fields:1").select(r);
    assertThat(top.kept()).isEqualTo(2);
    assertThat(top.fields().get(0).why()).isEqualTo("kept");
    assertThat(top.fields().get(1).why()).isEqualTo("top-fields:1 dropped 2");
    FeatureSelection.Report mi = FeatureSelection.parse("mi>=0").select(r);
    assertThat(mi.features().stream().filter(f -> !f.kept()).map(FeatureSelection.FeatureOutcome::feature))
        .containsExactly("genre=b");
    // Ties at the top break by column order: genre=a (column 0) first.
    FeatureSelection.Report half = FeatureSelection.parse("top-features:50%").select(r);
    assertThat(half.features().stream().filter(FeatureSelection.FeatureOutcome::kept)
        .map(FeatureSelection.FeatureOutcome::feature)).containsExactly("genre=a", "year[-inf,2000)");
    FeatureSelection.Report count = FeatureSelection.parse("min-count:3").select(r);
    assertThat(count.kept()).isZero();
    assertThat(count.toText(2)).contains("0 of 4 features kept").contains("min-count:3 dropped 2");
  }

  @Test
  void applyDropsColumnsAndRescalesRows() {
    CsrMatrix[] m = new CsrMatrix[1];
    FeatureRanking.Result r = ranked(null, m);
    boolean[] keep = FeatureSelection.parse("mi>=0").select(r).keep();
    CsrMatrix out = FeatureSelection.apply(m[0], keep, true);
    assertThat(out.cols()).isEqualTo(3);
    // item 0 had genre a, genre b, year range 1 at 1/3 each; without b: 1/2 each.
    assertThat(out.rowNnz(0)).isEqualTo(2);
    assertThat(out.values()[0]).isCloseTo(0.5f, within(1e-6f));
    assertThat(out.values()[1]).isCloseTo(0.5f, within(1e-6f));
    // item 3 (year only) keeps its single feature at weight 1.
    assertThat(out.values()[out.rowPtr()[3]]).isCloseTo(1f, within(1e-6f));
    CsrMatrix raw = FeatureSelection.apply(m[0], keep, false);
    assertThat(raw.values()[0]).isCloseTo(1f / 3, within(1e-6f));
  }

  /**
   * What a server encodes for an entity (the space's codec with the selection) is what training
   * saw (the encoded matrix with the selection applied), row by row.
   */
  @Test
  void theSelectedCodecEncodesAsTheSelectedMatrix() {
    FeatureSpace[] space = new FeatureSpace[1];
    CsrMatrix[] m = new CsrMatrix[1];
    FeatureRanking.Result r = ranked(space, m);
    boolean[] keep = FeatureSelection.parse("mi>=0").select(r).keep();
    CsrMatrix trained = FeatureSelection.apply(m[0], keep, true);
    dev.kindred.core.FeatureCodec codec = space[0].codec().select(keep);
    List<Map<String, List<String>>> rows = List.of(
        Map.of("genre", List.of("a", "b"), "year", List.of("1990")), Map.of("genre", List.of("a"), "year", List.of("1990")),
        Map.of("genre", List.of("b"), "year", List.of("2000")), Map.of("year", List.of("2000")));
    for (int e = 0; e < rows.size(); e++) {
      dev.kindred.core.FeatureCodec.Row row = codec.encode(rows.get(e));
      int from = trained.rowPtr()[e];
      assertThat(row.indices()).containsExactly(java.util.Arrays.copyOfRange(trained.colIdx(), from, trained.rowPtr()[e + 1]));
      for (int j = 0; j < row.size(); j++) assertThat(row.weights()[j]).isCloseTo(trained.values()[from + j], within(1e-6f));
    }
  }

  @Test
  void badRulesAreNamed() {
    assertThatThrownBy(() -> FeatureSelection.parse("top-fields:2,best:3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'best:3'").hasMessageContaining("min-count:C");
    assertThatThrownBy(() -> FeatureSelection.parse("top-features:0%")).hasMessageContaining("'top-features:0%'");
    assertThatThrownBy(() -> FeatureSelection.parse("min-count:0")).hasMessageContaining("'min-count:0'");
  }
}
