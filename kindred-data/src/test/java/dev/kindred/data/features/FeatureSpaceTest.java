package dev.kindred.data.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.IdIndex;
import dev.kindred.math.CsrMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vocabularies, numeric ranges, hashing, normalisation and the summary counts on tiny tables. */
class FeatureSpaceTest {

  private static FeatureTable table(Map<String, FieldKind> fields, String... rows) {
    Map<String, List<FeatureTable.Value>> r = new LinkedHashMap<>();
    for (String row : rows) {
      String[] p = row.split(" ");
      List<FeatureTable.Value> vs = new ArrayList<>();
      for (int j = 1; j < p.length; j++) {
        String[] fv = p[j].split("=");
        vs.add(new FeatureTable.Value(fv[0], fv[1].replace('_', ' ')));
      }
      r.put(p[0], vs);
    }
    return new FeatureTable("t", fields, r);
  }

  private static List<String> names(FeatureSpace s, CsrMatrix m, int row) {
    List<String> out = new ArrayList<>();
    for (int p = m.rowPtr()[row]; p < m.rowPtr()[row + 1]; p++) out.add(s.featureName(m.colIdx()[p]));
    return out;
  }

  @Test
  void categoricalMultiNumericAndTextRows() {
    Map<String, FieldKind> fields = new LinkedHashMap<>();
    fields.put("genre", FieldKind.MULTI);
    fields.put("year", FieldKind.NUMERIC);
    fields.put("title", FieldKind.TEXT);
    FeatureTable t = table(fields, "1 genre=Drama genre=War year=1990 title=The_War", "2 genre=Drama year=1995",
        "3 year=2000 title=war_games", "9 genre=Comedy");
    IdIndex items = IdIndex.ofLongs(new long[] {1, 2, 3, 4});
    FeatureSpace s = FeatureSpace.fit(t, items, FeatureSpaceConfig.DEFAULTS.withNumericBuckets(3));
    // genre: Drama, War (Comedy is only on id 9, not in the index); year: 3 ranges; title: games, the, war.
    assertThat(s.size()).isEqualTo(2 + 3 + 3);
    EncodedFeatures enc = s.encode(t, items);
    CsrMatrix m = enc.matrix();
    assertThat(names(s, m, 0)).containsExactly("genre=Drama", "genre=War", "year[-inf,1995)", "title=the",
        "title=war");
    assertThat(names(s, m, 2)).containsExactly("year[2000,inf)", "title=games", "title=war");
    assertThat(m.rowNnz(3)).isZero();
    // Normalised: each row sums to 1 with equal weights.
    for (int p = m.rowPtr()[0]; p < m.rowPtr()[1]; p++) assertThat(m.values()[p]).isCloseTo(0.2f, within(1e-6f));
    FeatureSummary sum = enc.summary();
    assertThat(sum.unknownIds()).isEqualTo(1);
    assertThat(sum.entitiesWithoutRow()).isEqualTo(1);
    // id 2 lacks title, id 3 lacks genre.
    assertThat(sum.missingFields()).isEqualTo(2);
    assertThat(sum.hashCollisions()).isZero();
  }

  @Test
  void unseenValuesAndFrequencyThreshold() {
    Map<String, FieldKind> fields = Map.of("colour", FieldKind.CATEGORICAL);
    FeatureTable t = table(fields, "a colour=red", "b colour=red", "c colour=blue");
    IdIndex ids = IdIndex.ofStrings(List.of("a", "b", "c"));
    FeatureSpace s = FeatureSpace.fit(t, ids, FeatureSpaceConfig.DEFAULTS.withMinCount(2));
    assertThat(s.size()).isEqualTo(1);
    EncodedFeatures enc = s.encode(t, ids);
    assertThat(enc.summary().unseenValues()).isEqualTo(1); // blue is below the threshold
    FeatureTable later = table(fields, "a colour=green");
    assertThat(s.encode(later, ids).summary().unseenValues()).isEqualTo(1);
  }

  @Test
  void highCardinalityFieldIsHashedWithCollisionsCounted() {
    Map<String, FieldKind> fields = Map.of("tag", FieldKind.MULTI);
    String[] rows = new String[50];
    for (int i = 0; i < 50; i++) rows[i] = i + " tag=t" + i + " tag=t" + (i + 1);
    FeatureTable t = table(fields, rows);
    long[] ids = new long[50];
    for (int i = 0; i < 50; i++) ids[i] = i;
    IdIndex index = IdIndex.ofLongs(ids);
    FeatureSpace s = FeatureSpace.fit(t, index, FeatureSpaceConfig.DEFAULTS.withMaxVocabulary(10).withHashBuckets(16));
    assertThat(s.size()).isEqualTo(16);
    EncodedFeatures enc = s.encode(t, index);
    // 51 distinct tags in 16 buckets: at least 35 land on an occupied one.
    assertThat(enc.summary().hashCollisions()).isGreaterThanOrEqualTo(35).isLessThan(51);
    assertThat(enc.summary().unseenValues()).isZero();
    assertThat(s.featureName(3)).isEqualTo("tag#3");
    // The same value always lands in the same bucket.
    int b = FeatureSpace.bucket("t7", 16);
    int row7 = index.indexOf(7L);
    assertThat(enc.matrix().colIdx()).contains(b);
    assertThat(enc.matrix().rowNnz(row7)).isBetween(1, 2);
  }

  @Test
  void quantileBoundsAreDistinct() {
    assertThat(FeatureSpace.quantileBounds(List.of(1.0, 1.0, 1.0, 2.0), 4)).containsExactly(2.0);
    assertThat(FeatureSpace.quantileBounds(List.of(1.0, 2.0, 3.0, 4.0), 2)).containsExactly(3.0);
    assertThat(FeatureSpace.quantileBounds(List.of(), 5)).isEmpty();
  }
}
