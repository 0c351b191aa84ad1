package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flag combinations and inputs that used to give a meaningless result, a stack trace or a message
 * naming no file: each is now either done right or refused with one line naming the problem.
 */
class BadInputCommandsTest {

  @TempDir
  static Path dir;

  static Path ratings;
  static Path implicit;

  static KindredCliTest.Run run(String... args) {
    return KindredCliTest.run(args);
  }

  @BeforeAll
  static void generate() {
    ratings = dir.resolve("ratings.tsv");
    KindredCliTest.Run g = run("generate", "--users", "120", "--items", "80", "--interactions", "3000", "--seed", "3",
        "--out", ratings.toString(), "--json");
    assertThat(g.code()).as(g.err()).isZero();
    implicit = dir.resolve("implicit.tsv");
    g = run("generate", "--users", "120", "--items", "80", "--interactions", "3000", "--seed", "4", "--implicit",
        "--out", implicit.toString(), "--json");
    assertThat(g.code()).as(g.err()).isZero();
  }

  /** Regression: early stopping chose its epoch on --test and then reported metrics on the same file. */
  @Test
  void earlyStoppingCarvesItsValidationSetFromTheTrainingData() throws IOException {
    KindredCliTest.Run t = run("train", "--train", ratings.toString(), "--model", "mf-sgd", "--factors", "4",
        "--epochs", "6", "--early-stopping", "2", "--threads", "1", "--seed", "7", "--json");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.json().get("validation").asText()).contains("held out of the fit").contains("seed 7")
        .contains("test set is not used");
  }

  /** Regression: train, recommend and serve accepted the k-core flags and ignored them. */
  @Test
  void theKCoreFlagsFilterTrainingAndAreRefusedWhereAModelIsRead() throws IOException {
    KindredCliTest.Run all = run("train", "--train", ratings.toString(), "--factors", "4", "--epochs", "2",
        "--threads", "1", "--json");
    Path model = dir.resolve("kcore.model");
    KindredCliTest.Run core = run("train", "--train", ratings.toString(), "--factors", "4", "--epochs", "2",
        "--threads", "1", "--min-user-interactions", "25", "--json",
        "--out", model.toString());
    assertThat(core.code()).as(core.err()).isZero();
    assertThat(core.json().get("users").asInt()).isLessThan(all.json().get("users").asInt());
    assertThat(core.json().get("interactions").asInt()).isLessThan(all.json().get("interactions").asInt());

    for (String command : new String[] {"recommend", "serve", "evaluate --model-file"}) {
      KindredCliTest.Run r = switch (command) {
        case "recommend" -> run("recommend", "--model-file", model.toString(), "--all", "--min-user-interactions", "5");
        case "serve" -> run("serve", "--model-file", model.toString(), "--port", "0", "--min-item-interactions", "5");
        default -> run("evaluate", "--model-file", model.toString(), "--test", ratings.toString(),
            "--min-user-interactions", "5");
      };
      assertThat(r.code()).as(command).isEqualTo(KindredCli.EXIT_BAD_INPUT);
      assertThat(r.err()).contains("do not apply to " + command).doesNotContain("Exception");
    }
  }

  /** What the run printed through SLF4J (the CLI's logger writes to System.err). */
  static String logged(Runnable r) {
    java.io.PrintStream old = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Regression: mf-sgd on --implicit data and ials / bpr on raw ratings ran without a word. */
  @Test
  void modelsGivenDataTheyMisreadWarnOnce() {
    String sgd = logged(() -> assertThat(run("train", "--train", implicit.toString(), "--model", "mf-sgd",
        "--factors", "4", "--epochs", "2", "--threads", "1").code()).isZero());
    assertThat(sgd).contains("[WARN]").contains("mf-sgd fits the values by squared error").contains("constant");
    String ials = logged(() -> assertThat(run("train", "--train", ratings.toString(), "--model", "ials",
        "--factors", "4", "--iterations", "2", "--threads", "1").code()).isZero());
    assertThat(ials).contains("ials reads the values as confidences").contains("--implicit");
    String bpr = logged(() -> assertThat(run("train", "--train", ratings.toString(), "--model", "bpr",
        "--factors", "4", "--epochs", "2", "--threads", "1").code()).isZero());
    assertThat(bpr).contains("bpr ignores the values");
    String quiet = logged(() -> assertThat(run("train", "--train", ratings.toString(), "--implicit", "--model",
        "ials", "--factors", "4", "--iterations", "2", "--threads", "1").code()).isZero());
    assertThat(quiet).as("ials on --implicit data is what it is for").doesNotContain("[WARN]");
  }

  /** Regression: RMSE was printed for models whose scores are not ratings (pop, itemknn, ease, graph-filter). */
  @Test
  void rmseIsReportedOnlyForModelsThatPredictRatings() throws IOException {
    for (String model : new String[] {"pop", "itemknn", "ease", "graph-filter", "ials"}) {
      KindredCliTest.Run t = run("train", "--train", ratings.toString(), "--test", ratings.toString(), "--model", model,
          "--threads", "1", "--json", "--k", "5");
      assertThat(t.code()).as(model + ": " + t.err()).isZero();
      assertThat(t.json().has("rmse")).as(model).isFalse();
      assertThat(t.json().has("ndcg@5")).as(model).isTrue();
    }
    KindredCliTest.Run sgd = run("train", "--train", ratings.toString(), "--test", ratings.toString(), "--model",
        "mf-sgd", "--factors", "4", "--epochs", "2", "--threads", "1", "--json", "--k", "5");
    assertThat(sgd.json().has("rmse")).isTrue();
  }

  static void assertRefused(KindredCliTest.Run r, String... expected) {
    assertThat(r.code()).as(r.err()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as(r.err()).isLessThanOrEqualTo(2);
  }

  /** Regression: an empty or header-only training file trained a 0-user model with exit 0. */
  @Test
  void anEmptyOrHeaderOnlyTrainingFileIsRefusedNamingIt() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.tsv"), "");
    Path out = dir.resolve("empty.model");
    assertRefused(run("train", "--train", empty.toString(), "--out", out.toString()), empty.toString(), "empty");
    assertThat(out).doesNotExist();
    Path headerOnly = Files.writeString(dir.resolve("header.csv"), "user,item,rating\n");
    assertRefused(run("train", "--train", headerOnly.toString(), "--columns", "user=0,item=1,rating=2",
        "--delimiter", "comma", "--header"), headerOnly.toString(), "only a header");
    assertRefused(run("split", "--train", empty.toString(), "--per-user", "0.2", "--out", dir.resolve("e").toString()),
        empty.toString());
  }

  /** Regression: these overflowed with a stack trace, or failed without naming the file. */
  @Test
  void outOfRangeFlagsAndUnreadableFilesGetOneLineNamingTheProblem() throws IOException {
    assertRefused(run("train", "--train", ratings.toString(), "--model", "mf-sgd", "--bins", "100000",
        "--epochs", "1"), "--bins");
    assertRefused(run("train", "--train", ratings.toString(), "--columns", "user=0,item=2147483647"), "item");
    Path gz = Files.write(dir.resolve("corrupt.tsv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7});
    assertRefused(run("train", "--train", gz.toString()), gz.toString());
    Path folder = Files.createDirectories(dir.resolve("a-directory"));
    assertRefused(run("train", "--train", folder.toString()), folder.toString(), "directory");
  }
}
