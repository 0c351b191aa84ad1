package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.cli.KindredCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred evaluate}: the beyond-accuracy metrics beside accuracy, and its HTML report. */
class EvaluateCommandTest {

  @TempDir
  static Path dir;

  static Path data;

  @BeforeAll
  static void generate() {
    data = dir.resolve("gen.tsv");
    Run g = run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--implicit", "--taste", "3",
        "--seed", "5", "--out", data.toString());
    assertThat(g.code()).as(g.err()).isZero();
  }

  @Test
  void printsTheBeyondAccuracyMetricsAndWritesTheReport() throws IOException {
    Path report = dir.resolve("report");
    Run r = run("evaluate", "--data", data.toString(), "--format", "tsv", "--model", "ials", "--factors", "8",
        "--iterations", "5", "--threads", "2", "--json", "--quiet", "--k", "5", "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    for (String key : List.of("ndcg@5", "coverage@5", "gini@5", "novelty@5", "avg_popularity@5", "long_tail_share@5",
        "ild@5", "auc")) {
      assertThat(j.has(key)).as(key).isTrue();
    }
    assertThat(j.get("gini@5").asDouble()).isBetween(0.0, 1.0);
    assertThat(j.get("auc").asDouble()).isBetween(0.5, 1.0);
    assertThat(Files.readString(report.resolve("index.html"))).contains("data-charts=\"6\"")
        .contains("Kindred evaluate: ials");

    Run noAuc = run("evaluate", "--data", data.toString(), "--format", "tsv", "--model", "pop", "--json", "--quiet",
        "--no-auc");
    assertThat(noAuc.code()).as(noAuc.err()).isZero();
    assertThat(noAuc.json().has("auc")).isFalse();
    assertThat(noAuc.json().has("ild@10")).as("popularity has no item vectors").isFalse();
    assertThat(noAuc.json().has("gini@10")).isTrue();
  }

  @Test
  void aReportOfASampledProtocolIsRefusedBeforeTraining() {
    Run r = run("evaluate", "--data", data.toString(), "--format", "tsv", "--protocol", "leave-one-out", "--report",
        dir.resolve("no").toString());
    assertThat(r.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("--report needs a full-ranking protocol");
    assertThat(dir.resolve("no")).doesNotExist();
  }
}
