package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred train --init-from}: a warm start keeps the earlier model's quality; mismatches are refused by file. */
class WarmStartCommandTest {

  @TempDir
  Path dir;

  @BeforeEach
  void data() throws Exception {
    new SyntheticGenerator(SyntheticConfig.of(300, 200, 12_000, 4L).withImplicit(true)).generate(dir.resolve("gen.tsv"));
    KindredCliTest.Run s = run("split", "--train", dir.resolve("gen.tsv").toString(), "--per-user", "0.25", "--seed",
        "5", "--out", dir.resolve("fold").toString());
    assertThat(s.code()).as(s.err()).isZero();
  }

  private KindredCliTest.Run train(String model, String iterations, String... more) {
    String[] base = {"train", "--train", dir.resolve("fold.train.tsv").toString(), "--test",
        dir.resolve("fold.test.tsv").toString(), "--model", model, "--factors", "16", "--iterations", iterations,
        "--threads", "2", "--seed", "1", "--k", "10", "--json"};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return run(args);
  }

  @Test
  void oneWarmIterationKeepsTheEarlierModelsQuality() throws Exception {
    Path old = dir.resolve("old.model");
    KindredCliTest.Run a = train("ials", "10", "--out", old.toString());
    assertThat(a.code()).as(a.err()).isZero();
    KindredCliTest.Run w = train("ials", "1", "--init-from", old.toString());
    KindredCliTest.Run c = train("ials", "1");
    assertThat(w.code()).as(w.err()).isZero();
    double before = a.json().get("ndcg@10").asDouble();
    // Tolerance: one more ALS iteration from converged factors moves NDCG@10 by well under 0.01 here.
    assertThat(w.json().get("ndcg@10").asDouble()).isGreaterThanOrEqualTo(before - 0.01);
    assertThat(w.json().get("init_from").asText()).isEqualTo(old.toString());
    assertThat(c.json().get("ndcg@10").asDouble()).isLessThan(before - 0.01);
  }

  @Test
  void anotherModelOrAModelThatCannotWarmStartIsRefusedNamingTheFile() {
    Path old = dir.resolve("old.model");
    assertThat(train("ials", "2", "--out", old.toString()).code()).isZero();
    KindredCliTest.Run als = train("als", "1", "--init-from", old.toString());
    assertThat(als.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(als.err()).contains(old + ": was trained by ials, not als");
    KindredCliTest.Run ease = run("train", "--train", dir.resolve("fold.train.tsv").toString(), "--model", "ease",
        "--init-from", old.toString());
    assertThat(ease.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(ease.err()).contains("--init-from does not apply to --model ease");
    KindredCliTest.Run missing = train("ials", "1", "--init-from", dir.resolve("nope.model").toString());
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).contains("nope.model");
  }
}
