package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.serve.retrieval.AnnSpace;
import dev.kindred.serve.retrieval.RetrievalConfig;
import dev.kindred.serve.retrieval.RetrievalMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code kindred serve}'s retrieval flags become a {@link RetrievalConfig}; bad values name the flag or field. */
class RetrievalOptionsTest {

  static RetrievalConfig parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.retrieval.config();
  }

  @Test
  void flagsBecomeTheRetrievalConfig() {
    RetrievalConfig c = parse("--model-file", "m.kdm", "--retrieval", "ann", "--ann-space", "inner-product",
        "--ann-head-fraction", "0.05", "--ann-m", "32", "--ann-ef-construction", "200", "--ann-ef-search", "400",
        "--ann-auto-threshold", "1000", "--ann-recall-users", "50", "--ann-recall-floor", "0.8");
    assertThat(c.mode()).isEqualTo(RetrievalMode.ANN);
    assertThat(c.annSpace()).isEqualTo(AnnSpace.INNER_PRODUCT);
    assertThat(c.annHeadFraction()).isEqualTo(0.05);
    assertThat(c.annM()).isEqualTo(32);
    assertThat(c.annEfConstruction()).isEqualTo(200);
    assertThat(c.annEfSearch()).isEqualTo(400);
    assertThat(c.autoThreshold()).isEqualTo(1000);
    assertThat(c.recallUsers()).isEqualTo(50);
    assertThat(c.recallFloor()).isEqualTo(0.8);
  }

  @Test
  void defaultsAreAutoAndTheLibrarysAnnSettings() {
    RetrievalConfig c = parse("--model-file", "m.kdm");
    RetrievalConfig d = RetrievalConfig.DEFAULTS;
    assertThat(c.mode()).isEqualTo(RetrievalMode.AUTO);
    assertThat(c.withMode(d.mode())).isEqualTo(d);
  }

  @Test
  void badValuesNameTheFlagOrTheField() {
    assertThatThrownBy(() -> parse("--model-file", "m.kdm", "--retrieval", "fast"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown --retrieval 'fast': expected exact, ann, auto");
    assertThatThrownBy(() -> parse("--model-file", "m.kdm", "--ann-ef-search", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("efSearch must be in [1, 100000], got 0");
    assertThatThrownBy(() -> parse("--model-file", "m.kdm", "--ann-head-fraction", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head fraction must be in [0, 1), got 1.0");
  }
}
