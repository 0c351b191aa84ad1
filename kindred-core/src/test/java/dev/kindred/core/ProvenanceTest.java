package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

  @Test
  void mapRoundTripKeepsEveryField() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("zeta", "1");
    config.put("alpha", "x=y");
    config.put("", "empty key");
    Provenance p = Provenance.builder("mf-sgd").config(config).dataFingerprint(-0x0123_4567_89AB_CDEFL).seed(-7L)
        .threads(3).size(100, 200, 3000).trainSeconds(12.345678901234).createdAtMillis(1_700_000_000_123L)
        .kindredVersion("1.2.3").build();
    Map<String, String> m = p.toMap();
    assertThat(m).containsEntry("config.alpha", "x=y").containsEntry("config.zeta", "1").containsEntry("seed", "-7");
    assertThat(m.keySet()).as("config keys sorted after the fixed ones")
        .containsSubsequence("kindredVersion", "config.", "config.alpha", "config.zeta");
    Provenance back = Provenance.fromMap(m);
    assertThat(back).isEqualTo(p);
    assertThat(back.config()).isEqualTo(Map.of("zeta", "1", "alpha", "x=y", "", "empty key"));
  }

  @Test
  void configIsCopied() {
    Map<String, String> config = new HashMap<>(Map.of("a", "1"));
    Provenance p = Provenance.builder("als").config(config).build();
    config.put("b", "2");
    assertThat(p.config()).containsOnlyKeys("a");
  }

  @Test
  void ofTakesTheFingerprintAndSizesFromTheTrainingData() {
    Interactions train = Fixtures.randomInteractions(5, 30, 40, 0.2);
    long before = System.currentTimeMillis();
    Provenance p = Provenance.of("bpr", Map.of("factors", "16"), train, 99L, 4, 2.5);
    long after = System.currentTimeMillis();
    assertThat(p).isEqualTo(new Provenance("bpr", Map.of("factors", "16"), train.fingerprint(), 99L, 4,
        train.numUsers(), train.numItems(), train.size(), 2.5, p.createdAtMillis(), Provenance.currentVersion()));
    assertThat(p.users()).isEqualTo(30);
    assertThat(p.interactions()).isPositive();
    assertThat(p.createdAtMillis()).isBetween(before, after);
  }

  @Test
  void dataCutoffIsTheLastTimestampInMillisAndSurvivesTheMap() {
    IdIndex ids = IdIndex.identity(3);
    long[] seconds = {1_500_000_000L, 1_600_000_123L, 1_550_000_000L};
    Interactions bySeconds = Interactions.fromCoo(ids, ids, 3, 3, new int[] {0, 1, 2}, new int[] {0, 1, 2},
        new float[] {1, 1, 1}, seconds, 3, DuplicatePolicy.LAST);
    Provenance p = Provenance.of("ials", Map.of(), bySeconds, 1L, 1, 0.1);
    assertThat(p.dataCutoffMillis()).as("seconds scaled to millis").hasValue(1_600_000_123_000L);
    assertThat(Provenance.fromMap(p.toMap())).isEqualTo(p);

    long[] millis = {1_700_000_000_001L, 1_700_000_000_002L, 1_700_000_000_000L};
    Interactions byMillis = Interactions.fromCoo(ids, ids, 3, 3, new int[] {0, 1, 2}, new int[] {0, 1, 2},
        new float[] {1, 1, 1}, millis, 3, DuplicatePolicy.LAST);
    assertThat(Provenance.cutoffMillis(byMillis)).hasValue(1_700_000_000_002L);

    Provenance none = Provenance.of("ials", Map.of(), Fixtures.randomInteractions(5, 30, 40, 0.2), 1L, 1, 0.1);
    assertThat(none.dataCutoffMillis()).as("no timestamps, no cut-off").isEmpty();
    assertThat(none.toMap()).doesNotContainKey("dataCutoffMillis");
    assertThat(Provenance.fromMap(none.toMap()).dataCutoffMillis()).isEmpty();
  }

  @Test
  void builderDefaultsAreNamed() {
    long before = System.currentTimeMillis();
    Provenance p = Provenance.builder("popularity").build();
    assertThat(p.config()).isEmpty();
    assertThat(p.threads()).isEqualTo(1);
    assertThat(p.seed()).isZero();
    assertThat(p.users() + p.items() + p.interactions()).isZero();
    assertThat(p.kindredVersion()).isEqualTo(Provenance.currentVersion());
    assertThat(p.createdAtMillis()).isGreaterThanOrEqualTo(before);
  }

  @Test
  void missingOrMalformedEntriesAreNamed() {
    Map<String, String> m = new LinkedHashMap<>(Fixtures.provenance("als").toMap());
    m.remove("seed");
    assertThatThrownBy(() -> Provenance.fromMap(m)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provenance lacks 'seed'");
    m.put("seed", "twelve");
    assertThatThrownBy(() -> Provenance.fromMap(m)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed provenance:").hasMessageContaining("twelve");
  }

  @Test
  void versionFallsBackToDevOutsideAJar() {
    // Tests run from target/classes, which has no manifest.
    assertThat(Provenance.currentVersion()).isEqualTo("dev");
  }
}
