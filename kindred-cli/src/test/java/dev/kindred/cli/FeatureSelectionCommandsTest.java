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

/**
 * {@code kindred features}, {@code --select}, the features saved beside a model and new users and
 * items scored from them by {@code recommend}.
 */
class FeatureSelectionCommandsTest {

  @TempDir
  static Path dir;
  static Path data;
  static Path itemFeatures;
  static Path userFeatures;

  /**
   * Generated interactions; items with a group (4 values), a size (7 values) and a noise tag unique
   * to each item; users with a segment; plus an item and a user only the feature files know.
   */
  @BeforeAll
  static void data() throws IOException {
    data = dir.resolve("gen.tsv");
    assertThat(run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--seed", "11",
        "--out", data.toString()).code()).isZero();
    List<String> items = new ArrayList<>(List.of("#field group categorical", "#field noise categorical"));
    for (int i = 0; i < 200; i++) {
      items.add(i + "\tgroup\tg" + (i % 4));
      items.add(i + "\tsize\t" + (i % 7));
      items.add(i + "\tnoise\tn" + i);
    }
    items.add("new-item\tgroup\tg1");
    items.add("new-item\tsize\t3");
    itemFeatures = Files.write(dir.resolve("items.tsv"), items);
    List<String> users = new ArrayList<>(List.of("#field segment categorical"));
    for (int u = 0; u < 300; u++) users.add(u + "\tsegment\ts" + (u % 3));
    users.add("new-user\tsegment\ts1");
    userFeatures = Files.write(dir.resolve("users.tsv"), users);
  }

  @Test
  void theReportRanksFieldsAndSaysWhatASpecDrops() throws IOException {
    Run text = run("features", "--train", data.toString(), "--format", "tsv", "--item-features",
        itemFeatures.toString(), "--features-format", "generic", "--select", "top-fields:2", "--top", "5");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("rank", "group", "size", "noise", "top-fields:2 dropped");
    Run json = run("features", "--train", data.toString(), "--format", "tsv", "--item-features",
        itemFeatures.toString(), "--select", "min-count:2", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode file = json.json().get("files").get(0);
    assertThat(file.get("fields")).hasSize(3);
    // Every noise tag is on one item: min-count:2 drops all 200 of them.
    for (JsonNode f : file.get("fields")) {
      if (f.get("field").asText().equals("noise")) {
        assertThat(f.get("kept").asInt()).isZero();
        assertThat(f.get("why").asText()).isEqualTo("min-count:2 dropped 200");
      }
    }
    assertThat(file.get("ranking").get(0).has("score")).isTrue();
  }

  @Test
  void selectAppliesBeforeTrainingAndBadSpecsAreNamed() throws IOException {
    Run ok = run("evaluate", "--data", data.toString(), "--format", "tsv", "--protocol", "cold-items",
        "--test-fraction", "0.2", "--model", "hybrid", "--item-features", itemFeatures.toString(), "--select",
        "top-features:50%", "--epochs", "2", "--threads", "1");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.err()).contains("--select top-features:50% kept");
    Run bad = run("train", "--train", data.toString(), "--format", "tsv", "--model", "hybrid", "--item-features",
        itemFeatures.toString(), "--select", "top-fields:two");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("--select: cannot read rule 'top-fields:two'");
    Run noFiles = run("train", "--train", data.toString(), "--format", "tsv", "--model", "hybrid", "--select",
        "min-count:2");
    assertThat(noFiles.code()).isNotZero();
    assertThat(noFiles.err()).contains("--select needs --item-features or --user-features");
  }

  @Test
  void newUsersAndItemsAreScoredFromTheFeaturesSavedBesideTheModel() throws IOException {
    Path model = dir.resolve("h.kdm");
    Run train = run("train", "--train", data.toString(), "--format", "tsv", "--model", "hybrid", "--item-features",
        itemFeatures.toString(), "--user-features", userFeatures.toString(), "--select", "top-fields:2",
        "--epochs", "3", "--threads", "1", "--out", model.toString());
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(model.resolveSibling("h.kdm.features")).exists();
    Run rec = run("recommend", "--model-file", model.toString(), "--user", "new-user,5", "--user-features",
        userFeatures.toString(), "--item-features", itemFeatures.toString(), "--k", "300", "--json");
    assertThat(rec.code()).as(rec.err()).isZero();
    JsonNode lists = rec.json().get("recommendations");
    assertThat(lists.get(0).get("user").asText()).isEqualTo("new-user");
    assertThat(lists.get(0).get("items")).hasSizeGreaterThan(10);
    // new-item joined the catalogue from --item-features (a full list holds every item).
    List<String> all = new ArrayList<>();
    lists.get(1).get("items").forEach(n -> all.add(n.asText()));
    assertThat(all).contains("new-item");
    Run unknown = run("recommend", "--model-file", model.toString(), "--user", "nobody", "--user-features",
        userFeatures.toString());
    assertThat(unknown.code()).isNotZero();
    assertThat(unknown.err()).contains("unknown user id 'nobody'").contains("users.tsv");
    Run select = run("recommend", "--model-file", model.toString(), "--user", "5", "--select", "min-count:2");
    assertThat(select.code()).isNotZero();
    assertThat(select.err()).contains("--select applies when training");
    // Retraining without features over the same file removes the old encoders.
    assertThat(run("train", "--train", data.toString(), "--format", "tsv", "--model", "hybrid", "--epochs", "1",
        "--out", model.toString()).code()).isZero();
    assertThat(model.resolveSibling("h.kdm.features")).doesNotExist();
    Run stale = run("recommend", "--model-file", model.toString(), "--user", "new-user", "--user-features",
        userFeatures.toString());
    assertThat(stale.code()).isNotZero();
    assertThat(stale.err()).contains("h.kdm.features not found");
  }
}
