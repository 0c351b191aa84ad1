package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.cli.KindredCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred demo}: the personalised model beside popularity, in JSON and in the HTML report. */
class DemoCommandTest {

  @TempDir
  Path dir;

  @Test
  void jsonHasModelAndBaselineWithTheUsualKeysAndThePersonalisedModelWins() throws IOException {
    Path report = dir.resolve("report");
    Run r = run("demo", "--users", "1500", "--items", "600", "--interactions", "60000", "--threads", "2", "--json",
        "--out", dir.resolve("demo.model").toString(), "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    JsonNode model = j.get("model");
    JsonNode baseline = j.get("baseline");
    assertThat(model.get("model").asText()).isEqualTo("ials");
    assertThat(baseline.get("model").asText()).isEqualTo("pop");
    for (String key : List.of("precision@10", "recall@10", "f1@10", "ndcg@10", "map@10", "hr@10", "mrr@10", "auc",
        "coverage@10", "gini@10", "novelty@10", "avg_popularity@10", "long_tail_share@10", "train_seconds")) {
      assertThat(model.has(key)).as("model " + key).isTrue();
      assertThat(baseline.has(key)).as("baseline " + key).isTrue();
    }
    assertThat(model.has("ild@10")).as("ials has item factors").isTrue();
    // Taste decides the items: measured ndcg@10 0.573 against 0.265 (2.16x) on this small set, 3.1x
    // on the demo's default set; 1.5x leaves room for other thread counts.
    assertThat(model.get("ndcg@10").asDouble()).isGreaterThan(1.5 * baseline.get("ndcg@10").asDouble());
    assertThat(j.get("lift").get("ndcg@10").asDouble())
        .isEqualTo(model.get("ndcg@10").asDouble() / baseline.get("ndcg@10").asDouble());
    String html = Files.readString(report.resolve("index.html"));
    assertThat(html).contains("data-charts=\"6\"").contains("ials").contains("pop");
    assertExamples(j.get("examples"), html);
  }

  /** Three users, each with five recommendations naming the history items behind them, in JSON and in the report. */
  private static void assertExamples(JsonNode examples, String html) {
    assertThat(examples.size()).isEqualTo(3);
    for (JsonNode e : examples) {
      assertThat(e.get("explanation_method").asText()).isEqualTo("exact");
      assertThat(e.get("baseline").size()).isEqualTo(5);
      JsonNode recommended = e.get("recommended");
      assertThat(recommended.size()).isEqualTo(5);
      for (JsonNode r : recommended) {
        JsonNode because = r.get("because");
        assertThat(because.size()).as(r.toString()).isBetween(1, DemoUsers.BECAUSE);
        // A named item is one of the user's training items, not necessarily among the most recent
        // shown, so the shape is checked here; Explainer's own tests check the contributions.
        assertThat(because.get(0).get("item").asText()).isNotBlank();
        assertThat(because.get(0).get("share").asDouble()).isFinite();
      }
      assertThat(html).contains(e.get("user").asText());
    }
    assertThat(html).contains("because of (share of the score)");
  }

  @Test
  void anUnknownBaselineIsRefused() {
    Run bad = run("demo", "--users", "100", "--items", "50", "--interactions", "1000", "--baseline", "nope", "--quiet");
    assertThat(bad.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(bad.err()).contains("nope");
  }
}
