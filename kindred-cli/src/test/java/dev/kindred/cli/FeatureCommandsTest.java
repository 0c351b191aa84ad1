package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.cli.KindredCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Side-feature files on train and evaluate, the cold-start protocols, and their errors. */
class FeatureCommandsTest {

  @TempDir
  static Path dir;
  static Path data;
  static Path itemFeatures;

  /** Generated interactions and a generic feature file giving each item one of 4 groups and a number. */
  @BeforeAll
  static void data() throws IOException {
    data = dir.resolve("gen.tsv");
    assertThat(run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--seed", "11",
        "--out", data.toString()).code()).isZero();
    List<String> lines = new ArrayList<>(List.of("# item features", "#field group categorical"));
    for (int i = 0; i < 200; i++) {
      lines.add(i + "\tgroup\tg" + (i % 4));
      lines.add(i + "\tsize\t" + (i % 7));
    }
    itemFeatures = Files.write(dir.resolve("items.tsv"), lines);
  }

  @Test
  void coldItemsProtocolTrainsWithFeaturesAndRanksTheHeldOutItems() throws IOException {
    for (String model : List.of("hybrid", "feature-pop")) {
      Run r = run("evaluate", "--data", data.toString(), "--format", "tsv", "--protocol", "cold-items",
          "--test-fraction", "0.2", "--model", model, "--item-features", itemFeatures.toString(), "--features-format",
          "generic", "--threads", "2", "--seed", "3", "--k", "10", "--json", "--epochs", "3");
      if (model.equals("feature-pop")) {
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--epochs does not apply to --model feature-pop");
        r = run("evaluate", "--data", data.toString(), "--format", "tsv", "--protocol", "cold-items",
            "--test-fraction", "0.2", "--model", model, "--item-features", itemFeatures.toString(), "--json");
      }
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode j = r.json();
      assertThat(j.get("protocol").asText()).startsWith("cold-items: 0.20 of the items held out")
          .endsWith("ranked among the held-out items only");
      assertThat(j.get("recall@10").asDouble()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void coldUsersProtocolRunsWithoutUserFeatures() throws IOException {
    Run r = run("evaluate", "--data", data.toString(), "--format", "tsv", "--protocol", "cold-users",
        "--test-fraction", "0.2", "--model", "pop", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("protocol").asText()).contains("full ranking over all items");
  }

  @Test
  void aModelWithoutFeatureSupportRefusesFeatureFiles() {
    Run r = run("train", "--train", data.toString(), "--format", "tsv", "--model", "ials", "--item-features",
        itemFeatures.toString(), "--factors", "4");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--model ials takes no side features");
  }

  @Test
  void aBadFeatureFileNamesItsLine() throws IOException {
    Path bad = Files.write(dir.resolve("bad.tsv"), List.of("1\tgroup\tg1", "2\tgroup"));
    Run r = run("train", "--train", data.toString(), "--format", "tsv", "--model", "hybrid", "--item-features",
        bad.toString(), "--epochs", "1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains(bad + ":2: expected 3 '\\t'-separated fields, got 2");
  }
}
