package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.cli.KindredCliTest.Run;
import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred compare} on generated data: table, JSON, folds, and refusals before any training. */
class CompareCommandTest {

  @TempDir
  static Path dir;

  static Path data;

  @BeforeAll
  static void generate() {
    data = dir.resolve("gen.tsv");
    Run g = run("generate", "--users", "300", "--items", "200", "--interactions", "15000", "--seed", "11",
        "--out", data.toString());
    assertThat(g.code()).as(g.err()).isZero();
  }

  private static Run compare(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("compare", "--data", data.toString(), "--format", "tsv",
        "--threads", "2", "--seed", "3", "--resamples", "200", "--quiet"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void jsonHasEveryMetricWithIntervalsAndTheBaselineTest() throws IOException {
    Run r = compare("--json", "--k", "10", "--implicit", "--model", "pop", "--model", "ials --factors 8 --iterations 5",
        "--model", "itemknn --neighbours 50", "--baseline", "pop");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("baseline").asText()).isEqualTo("pop");
    assertThat(j.get("resamples").asInt()).isEqualTo(200);
    assertThat(j.get("users").asInt()).isEqualTo(300);
    assertThat(j.get("models")).hasSize(3);
    JsonNode metrics = j.get("metrics");
    for (String key : List.of("precision@10", "recall@10", "f1@10", "ndcg@10", "map@10", "hr@10", "mrr@10",
        "coverage@10", "gini@10", "novelty@10", "avg_popularity@10", "long_tail_share@10", "ild@10", "auc")) {
      assertThat(metrics.has(key)).as(key).isTrue();
    }
    JsonNode ndcg = metrics.get("ndcg@10");
    JsonNode pop = ndcg.get("pop");
    assertThat(pop.get("lo").asDouble()).isLessThanOrEqualTo(pop.get("mean").asDouble());
    assertThat(pop.get("hi").asDouble()).isGreaterThanOrEqualTo(pop.get("mean").asDouble());
    assertThat(pop.has("p_value")).isFalse();
    JsonNode ials = ndcg.get("ials --factors 8 --iterations 5");
    assertThat(ials.get("diff").asDouble()).isCloseTo(ials.get("mean").asDouble() - pop.get("mean").asDouble(),
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(ials.get("p_value").asDouble()).isBetween(1.0 / 201, 1.0);
    // only the latent-factor model has item vectors
    assertThat(metrics.get("ild@10").has("ials --factors 8 --iterations 5")).isTrue();
    assertThat(metrics.get("ild@10").has("pop")).isFalse();
    // popularity recommends each user the most popular unseen items: the highest average popularity any
    // list of that user's candidates can have, so no model's mean exceeds it
    JsonNode arp = metrics.get("avg_popularity@10");
    assertThat(arp.get("pop").get("mean").asDouble())
        .isGreaterThanOrEqualTo(arp.get("ials --factors 8 --iterations 5").get("mean").asDouble())
        .isGreaterThanOrEqualTo(arp.get("itemknn --neighbours 50").get("mean").asDouble());
  }

  @Test
  void tableHasAColumnPerModelAndFoldsRun() throws IOException {
    Path report = dir.resolve("compare-report");
    Run r = compare("--implicit", "--folds", "3", "--no-auc", "--k", "5", "--model", "pop",
        "--model", "bpr --factors 8 --epochs 5", "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(java.nio.file.Files.readString(report.resolve("index.html"))).contains("data-charts=\"6\"")
        .contains("plots from the first fold").contains("bootstrap interval over 300 users");
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("3 per-user folds (seed 3)");
    assertThat(lines.get(2)).startsWith("metric").contains("pop").contains("bpr --factors 8 --epochs 5");
    assertThat(r.out()).contains("ndcg@5").contains("gini@5").contains("train_seconds").doesNotContain("auc");
    String ndcg = lines.stream().filter(l -> l.startsWith("ndcg@5")).findFirst().orElseThrow();
    assertThat(ndcg).matches("ndcg@5 +\\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\] +\\d\\.\\d{4} \\[.*\\] p.*");
  }

  @Test
  void badModelsAreRefusedBeforeAnyTraining() {
    Run r = compare("--model", "pop", "--model", "ials --factors");
    assertThat(r.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("--model 'ials --factors': --factors needs a value");
    r = compare("--model", "pop", "--model", "ials --learning-rate 0.1");
    assertThat(r.err()).contains("--learning-rate does not apply to --model ials");
    r = compare("--model", "pop", "--model", "ials --factors -1");
    assertThat(r.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("--model 'ials --factors -1': --factors");
    r = compare("--model", "nope");
    assertThat(r.err()).contains("unknown --model 'nope'");
    r = compare("--model", "pop", "--model", "bpr", "--baseline", "ease");
    assertThat(r.err()).contains("--baseline 'ease' is not among the models: pop, bpr");
    r = compare("--model", "pop", "--model", "pop");
    assertThat(r.err()).contains("--model 'pop' is given twice");
    assertThat(r.err()).doesNotContain("train ");
  }

  @Test
  void foldsPartitionEachUsersInteractions() {
    // user 0: 7 interactions, user 1: 2, user 2: none
    int[] u = {0, 0, 0, 0, 0, 0, 0, 1, 1};
    int[] i = {0, 1, 2, 3, 4, 5, 6, 0, 6};
    float[] v = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    Interactions all = Interactions.fromCoo(IdIndex.identity(3), IdIndex.identity(7), 3, 7, u, i, v, null, u.length,
        DuplicatePolicy.LAST);
    List<Split> folds = CompareCommand.perUserFolds(all, 3, 9);
    assertThat(folds).hasSize(3);
    int[] tested = new int[2];
    for (Split f : folds) {
      assertThat(f.train().size() + f.test().size()).isEqualTo(9);
      assertThat(f.train().numUsers()).isEqualTo(3);
      // 7 interactions dealt to 3 folds: 2 or 3 in each
      assertThat(f.test().userDegree(0)).isBetween(2, 3);
      assertThat(f.test().userDegree(1)).isBetween(0, 1);
      for (int user = 0; user < 2; user++) {
        for (int item : f.test().itemsOf(user)) {
          assertThat(f.train().contains(user, item)).isFalse();
          tested[user]++;
        }
      }
    }
    // every interaction is tested exactly once
    assertThat(tested).containsExactly(7, 2);
    assertThat(CompareCommand.perUserFolds(all, 3, 9).get(1).test().itemsOf(0))
        .containsExactly(folds.get(1).test().itemsOf(0));
  }
}
