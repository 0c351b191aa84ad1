package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.cli.KindredCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, split and train through Parquet files give what the same commands give through TSV. */
class ParquetCommandsTest {

  @TempDir
  static Path dir;

  @BeforeAll
  static void generateBoth() {
    for (String name : new String[] {"gen.tsv", "gen.parquet"}) {
      Run g = run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--seed", "7",
          "--out", dir.resolve(name).toString(), "--json");
      assertThat(g.code()).as(g.err()).isZero();
    }
  }

  private static Run split(String input, String format, String outFormat, String prefix) {
    return run("split", "--train", dir.resolve(input).toString(), "--format", format, "--per-user", "0.2", "--seed", "5",
        "--out", dir.resolve(prefix).toString(), "--out-format", outFormat, "--json");
  }

  private static Run train(String prefix, String suffix, String format) {
    return run("train", "--train", dir.resolve(prefix + ".train" + suffix).toString(),
        "--test", dir.resolve(prefix + ".test" + suffix).toString(), "--format", format, "--factors", "8",
        "--epochs", "5", "--threads", "1", "--seed", "1", "--json", "--k", "5");
  }

  @Test
  void parquetSplitAndTrainMatchTheTsvPath() throws IOException {
    assertThat(Files.readString(dir.resolve("gen.parquet"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .startsWith("PAR1");
    Run tsvSplit = split("gen.tsv", "tsv", "tsv", "t");
    Run pqSplit = split("gen.parquet", "parquet", "parquet", "p");
    assertThat(pqSplit.code()).as(pqSplit.err()).isZero();
    assertThat(pqSplit.json().get("train_file").asText()).endsWith("p.train.parquet");
    assertThat(pqSplit.json().get("train_interactions")).isEqualTo(tsvSplit.json().get("train_interactions"));
    assertThat(pqSplit.json().get("test_interactions")).isEqualTo(tsvSplit.json().get("test_interactions"));

    Run tsvTrain = train("t", ".tsv", "tsv");
    Run pqTrain = train("p", ".parquet", "parquet");
    assertThat(pqTrain.code()).as(pqTrain.err()).isZero();
    // Same data, seed and threads give the same model: the metrics agree exactly.
    assertThat(pqTrain.json().get("rmse").asDouble()).isEqualTo(tsvTrain.json().get("rmse").asDouble());
    assertThat(pqTrain.json().get("interactions")).isEqualTo(tsvTrain.json().get("interactions"));
  }

  @Test
  void namedColumnsAndBadInputAreOneLineErrors() {
    Run missing = run("split", "--train", dir.resolve("gen.parquet").toString(), "--format", "parquet",
        "--columns", "user=uid,item=item", "--random", "0.1", "--out", dir.resolve("x").toString());
    assertThat(missing.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(missing.err().strip()).isEqualTo("kindred: " + dir.resolve("gen.parquet")
        + ": no column 'uid' for the user id; the file has columns user (INT64), item (INT64), value (FLOAT), ts (INT64)");

    Run delimiter = run("split", "--train", dir.resolve("gen.parquet").toString(), "--format", "parquet",
        "--delimiter", "comma", "--random", "0.1", "--out", dir.resolve("x").toString());
    assertThat(delimiter.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(delimiter.err()).contains("--delimiter and --header do not apply to --format parquet");

    Run outFormat = split("gen.tsv", "tsv", "orc", "x");
    assertThat(outFormat.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(outFormat.err()).contains("--out-format must be tsv or parquet, got 'orc'");

    Run implicit = run("split", "--train", dir.resolve("gen.parquet").toString(), "--format", "parquet",
        "--columns", "user=user,item=item", "--random", "0.1", "--out", dir.resolve("named").toString(), "--json");
    assertThat(implicit.code()).as(implicit.err()).isZero();
  }
}
