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
    Provenance p = new Provenance("mf-sgd", config, -0x0123_4567_89AB_CDEFL, -7L, 3, 100, 200, 3000, 12.345678901234,
        1_700_000_000_123L, "1.2.3");
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
    Provenance p = new Provenance("als", config, 0, 0, 1, 0, 0, 0, 0, 0, "dev");
    config.put("b", "2");
    assertThat(p.config()).containsOnlyKeys("a");
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
