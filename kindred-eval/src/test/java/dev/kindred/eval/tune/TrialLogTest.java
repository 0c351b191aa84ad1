package dev.kindred.eval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialLogTest {

  @TempDir
  Path dir;

  private static Map<String, Object> header(long seed) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("model", "ials");
    h.put("seed", seed);
    h.put("fraction", 0.1);
    return h;
  }

  @Test
  void trialsRoundTripAndAHalfWrittenLastLineIsDropped() throws IOException {
    Path f = dir.resolve("state.jsonl");
    Tuner.Trial a = new Tuner.Trial(0, 0, 3, Map.of("--factors", "32"), 0.25, 1.5);
    Tuner.Trial b = new Tuner.Trial(1, 1, 9, Map.of("--factors", "64"), Double.NaN, 2.0);
    try (TrialLog log = TrialLog.open(f, header(42))) {
      assertThat(log.finished()).isEmpty();
      log.append(a);
      log.append(b);
    }
    assertThat(Files.readAllLines(f)).hasSize(3);
    Files.writeString(f, "{\"config\":2,\"rung\"", StandardOpenOption.APPEND); // a crash mid-line
    try (TrialLog log = TrialLog.open(f, header(42))) {
      assertThat(log.finished()).containsOnlyKeys("0/0", "1/1");
      assertThat(log.finished().get("0/0")).isEqualTo(a);
      assertThat(log.finished().get("1/1").score()).isNaN();
      log.append(new Tuner.Trial(2, 0, 3, Map.of("--factors", "16"), 0.1, 1.0));
    }
    assertThat(Files.readAllLines(f)).hasSize(4).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
  }

  @Test
  void anotherSearchsStateOrABrokenLineIsRefusedWithItsLine() throws IOException {
    Path f = dir.resolve("state.jsonl");
    try (TrialLog log = TrialLog.open(f, header(42))) {
      log.append(new Tuner.Trial(0, 0, 0, Map.of(), 0.5, 1));
    }
    assertThatThrownBy(() -> TrialLog.open(f, header(43))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(f + ":1: the state belongs to another search");
    Files.writeString(f, "{\"config\":1}\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> TrialLog.open(f, header(42))).hasMessageContaining(f + ":3: a trial needs 'rung'");
    Path g = dir.resolve("not-json.jsonl");
    Files.writeString(g, "hello\n");
    assertThatThrownBy(() -> TrialLog.open(g, header(42))).hasMessageContaining(g + ":1: not JSON");
  }
}
