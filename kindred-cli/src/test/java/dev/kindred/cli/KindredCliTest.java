package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on generated data: generate, split, train, evaluate, recommend, similar, bad input. */
class KindredCliTest {

  @TempDir
  static Path dir;

  static Path data;
  static Path model;

  record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KindredCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void generateSplitTrain() throws IOException {
    data = dir.resolve("gen.tsv");
    Run g = run("generate", "--users", "400", "--items", "300", "--interactions", "20000", "--seed", "3",
        "--out", data.toString(), "--json");
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(Files.readAllLines(data)).hasSize(20000);
    Run s = run("split", "--train", data.toString(), "--format", "tsv", "--per-user", "0.25", "--seed", "5",
        "--out", dir.resolve("fold").toString(), "--json");
    assertThat(s.code()).as(s.err()).isZero();
    model = dir.resolve("m.model");
    Run t = run("train", "--train", dir.resolve("fold.train.tsv").toString(), "--test", dir.resolve("fold.test.tsv").toString(),
        "--format", "tsv", "--factors", "8", "--epochs", "15", "--threads", "2", "--seed", "1", "--out", model.toString(),
        "--json", "--k", "5");
    assertThat(t.code()).as(t.err()).isZero();
  }

  @Test
  void splitWritesDisjointCompleteFiles() throws IOException {
    List<String> train = Files.readAllLines(dir.resolve("fold.train.tsv"));
    List<String> test = Files.readAllLines(dir.resolve("fold.test.tsv"));
    assertThat(train.size() + test.size()).isEqualTo(20000);
    assertThat(test.size()).isBetween(4000, 6000);
  }

  @Test
  void trainPrintsOneJsonObjectWithTheDesignKeys() throws IOException {
    Run t = run("train", "--train", dir.resolve("fold.train.tsv").toString(), "--test", dir.resolve("fold.test.tsv").toString(),
        "--factors", "8", "--epochs", "10", "--threads", "2", "--json", "--k", "5");
    assertThat(t.code()).as(t.err()).isZero();
    JsonNode j = t.json();
    for (String key : List.of("rmse", "mae", "precision@5", "recall@5", "f1@5", "ndcg@5", "map@5", "hr@5", "mrr@5",
        "coverage@5", "train_seconds", "users", "items", "interactions")) {
      assertThat(j.has(key)).as(key).isTrue();
    }
    // Synthetic ratings have noise 0.5 around a planted model; a trained model is far better than chance.
    assertThat(j.get("rmse").asDouble()).isBetween(0.3, 0.9);
    assertThat(j.get("interactions").asInt()).isGreaterThan(14000);
  }

  @Test
  void tableOutputIsHumanReadable() {
    Run t = run("train", "--train", dir.resolve("fold.train.tsv").toString(), "--factors", "4", "--epochs", "2", "--quiet");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("train_seconds").contains("interactions").doesNotContain("{");
  }

  @Test
  void evaluateRecommendAndSimilarReadTheModelFile() throws IOException {
    Run e = run("evaluate", "--model-file", model.toString(), "--train", dir.resolve("fold.train.tsv").toString(),
        "--test", dir.resolve("fold.test.tsv").toString(), "--json", "--k", "5");
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.json().get("ndcg@5").asDouble()).isBetween(0.0, 1.0);

    String user = Files.readAllLines(dir.resolve("fold.train.tsv")).get(0).split("\t")[0];
    Run r = run("recommend", "--model-file", model.toString(), "--user", user, "--k", "7", "--train",
        dir.resolve("fold.train.tsv").toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rec = r.json().get("recommendations").get(0);
    assertThat(rec.get("user").asText()).isEqualTo(user);
    assertThat(rec.get("items")).hasSize(7);
    // Seen items are excluded.
    List<String> seen = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("fold.train.tsv"))) {
      String[] f = line.split("\t");
      if (f[0].equals(user)) seen.add(f[1]);
    }
    for (JsonNode item : rec.get("items")) assertThat(seen).doesNotContain(item.asText());

    String item = rec.get("items").get(0).asText();
    Run s = run("similar", "--model-file", model.toString(), "--item", item, "--k", "3", "--json");
    assertThat(s.code()).as(s.err()).isZero();
    assertThat(s.json().get("results").get(0).get("similar")).hasSize(3);
  }

  @Test
  void malformedLineIsReportedWithFileAndLineAndNoModelIsWritten() throws IOException {
    Path bad = dir.resolve("bad.tsv");
    List<String> lines = new ArrayList<>(Files.readAllLines(data).subList(0, 2000));
    lines.set(1233, "17\t42\tnot-a-rating\t1500000000");
    Files.write(bad, lines);
    Path out = dir.resolve("never.model");
    Run t = run("train", "--train", bad.toString(), "--factors", "4", "--epochs", "2", "--out", out.toString());
    assertThat(t.code()).isEqualTo(2);
    assertThat(t.err().strip().lines()).hasSize(1);
    assertThat(t.err()).contains(bad.toString() + ":1234:");
    assertThat(out).doesNotExist();

    Run skipped = run("train", "--train", bad.toString(), "--factors", "4", "--epochs", "2", "--skip-invalid", "--quiet",
        "--json");
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(skipped.err()).contains("skipped 1 invalid rows");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("train").code()).isEqualTo(2);
    assertThat(run("train", "--train", data.toString(), "--model", "nope").err()).contains("unknown --model 'nope'");
    assertThat(run("train", "--train", data.toString(), "--factors", "0").code()).isEqualTo(2);
    assertThat(run("train", "--train", dir.resolve("missing.tsv").toString()).err()).contains("no such file");
    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void corruptedModelFileIsRefused() throws IOException {
    Path cut = dir.resolve("cut.model");
    byte[] b = Files.readAllBytes(model);
    Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
    Run r = run("recommend", "--model-file", cut.toString(), "--all");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("truncated");
  }

  @Test
  void demoRunsTheWholePathOnSmallSyntheticData() throws IOException {
    Path out = dir.resolve("demo.model");
    Run d = run("demo", "--users", "300", "--items", "200", "--interactions", "15000", "--epochs", "5", "--factors", "8",
        "--out", out.toString(), "--quiet", "--report", dir.resolve("demo-report").toString());
    assertThat(d.code()).as(d.err()).isZero();
    assertThat(d.out()).contains("ndcg@10").contains("lift").contains("user ").contains("history")
        .contains("report: " + dir.resolve("demo-report").resolve("index.html"));
    assertThat(out).exists();
  }

  @Test
  void evaluateRunsTheProtocolsOnOneDataFile() throws IOException {
    Run perUser = run("evaluate", "--data", data.toString(), "--format", "tsv", "--factors", "8", "--epochs", "5",
        "--threads", "2", "--json", "--quiet", "--k", "5");
    assertThat(perUser.code()).as(perUser.err()).isZero();
    assertThat(perUser.json().get("protocol").asText()).startsWith("per-user stratified holdout 0.25");
    assertThat(perUser.json().has("ndcg@5")).isTrue();

    Run loo = run("evaluate", "--data", data.toString(), "--protocol", "leave-one-out", "--negatives", "49",
        "--factors", "8", "--epochs", "5", "--json", "--quiet", "--k", "5");
    assertThat(loo.code()).as(loo.err()).isZero();
    JsonNode j = loo.json();
    assertThat(j.get("protocol").asText()).contains("49 sampled negatives").contains("overstate");
    assertThat(j.get("pairs_evaluated").asInt()).isBetween(300, 400);
    assertThat(j.get("hr@5").asDouble()).isBetween(0.0, 1.0);

    assertThat(run("evaluate", "--data", data.toString(), "--protocol", "bogus").err()).contains("unknown --protocol");
    assertThat(run("evaluate", "--model-file", model.toString()).err()).contains("needs --test");
  }
}
