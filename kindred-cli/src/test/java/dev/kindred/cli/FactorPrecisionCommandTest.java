package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.MappedFactors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred train --factor-precision}: 16-bit model files, evaluated as written, and bad values refused. */
class FactorPrecisionCommandTest {

  @TempDir
  Path dir;

  private KindredCliTest.Run train(Path data, String precision, Path out) {
    return run("train", "--train", data.resolve("fold.train.tsv").toString(), "--test",
        data.resolve("fold.test.tsv").toString(), "--model", "ials", "--factors", "16", "--threads", "2", "--seed", "1",
        "--k", "10", "--json", "--factor-precision", precision, "--out", out.toString());
  }

  /**
   * bf16 halves the factor sections and moves NDCG@10 by rounding alone: within 2% relative of
   * fp32 (bf16 keeps about 3 significant digits; on Gowalla the change was 0.004%).
   */
  @Test
  void bf16FilesAreSmallerMappedAndScoreAlmostTheSame() throws Exception {
    KindredCliTest.Run g = run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--seed", "4",
        "--out", dir.resolve("gen.tsv").toString(), "--json");
    assertThat(g.code()).as(g.err()).isZero();
    KindredCliTest.Run s = run("split", "--train", dir.resolve("gen.tsv").toString(), "--format", "tsv", "--per-user",
        "0.25", "--seed", "5", "--out", dir.resolve("fold").toString(), "--json");
    assertThat(s.code()).as(s.err()).isZero();
    Path fp32 = dir.resolve("fp32.model");
    Path bf16 = dir.resolve("bf16.model");
    KindredCliTest.Run a = train(dir, "fp32", fp32);
    KindredCliTest.Run b = train(dir, "bf16", bf16);
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(b.code()).as(b.err()).isZero();
    JsonNode ja = a.json();
    JsonNode jb = b.json();
    assertThat(jb.get("factor_precision").asText()).isEqualTo("bf16");
    assertThat(jb.get("ndcg@10").asDouble()).isCloseTo(ja.get("ndcg@10").asDouble(), within(0.02 * ja.get("ndcg@10").asDouble()));
    assertThat(Files.size(bf16)).isLessThan(Files.size(fp32));
    LatentFactorModel m = (LatentFactorModel) ModelFile.read(bf16);
    assertThat(m.itemStore().precision()).isEqualTo(FactorPrecision.BF16);
    assertThat(m.itemStore()).isInstanceOf(MappedFactors.class);
  }

  @Test
  void badPrecisionsAreRefusedNamingTheFlag() {
    KindredCliTest.Run r = run("train", "--train", "no-such-file.tsv", "--factor-precision", "fp8", "--out",
        dir.resolve("m.model").toString());
    assertThat(r.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("factor precision must be fp32, bf16 or fp16, got 'fp8'");
    KindredCliTest.Run noOut = run("train", "--train", "no-such-file.tsv", "--factor-precision", "bf16");
    assertThat(noOut.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(noOut.err()).contains("--factor-precision bf16 needs --out");
  }
}
