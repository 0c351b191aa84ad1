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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kindred tune}: the search sees only --train; --test is read once at the end; state resumes. */
class TuneCommandTest {

  @TempDir
  static Path dir;

  static Path train;
  static Path test;

  @BeforeAll
  static void generateAndSplit() {
    Path all = dir.resolve("all.tsv");
    Run g = run("generate", "--users", "300", "--items", "200", "--interactions", "12000", "--implicit", "--taste", "3",
        "--seed", "8", "--out", all.toString());
    assertThat(g.code()).as(g.err()).isZero();
    Run s = run("split", "--train", all.toString(), "--per-user", "0.2", "--out", dir.resolve("s").toString());
    assertThat(s.code()).as(s.err()).isZero();
    train = dir.resolve("s.train.tsv");
    test = dir.resolve("s.test.tsv");
  }

  private static Run tune(String... extra) {
    List<String> args = new ArrayList<>(List.of("tune", "--model", "ials", "--train", train.toString(), "--format", "tsv",
        "--threads", "2", "--trials", "4", "--seed", "5", "--param", "factors=4:16:log:int", "--param",
        "iterations=2:6:int"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"random", "tpe"})
  void theSearchNeverReadsTheTestFile(String search) throws IOException {
    // A test file that cannot be read as interactions: the search must finish (every trial in the
    // state file) before the command touches it, and only then fail, naming it. TPE proposes its
    // last two configurations from the first two scores, so they too come from the validation split.
    Path unreadable = dir.resolve("garbage.tsv");
    Files.writeString(unreadable, "this is not an interaction\n");
    Path state = dir.resolve("garbage-state-" + search + ".jsonl");
    Run r = tune("--search", search, "--startup-trials", "2", "--test", unreadable.toString(), "--state",
        state.toString(), "--quiet");
    assertThat(r.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains(unreadable.toString());
    assertThat(Files.readAllLines(state)).as("header + 4 finished trials").hasSize(5);

    // With a readable test file the trials are the same as without one: nothing of it leaks in.
    Run without = tune("--search", search, "--startup-trials", "2", "--json", "--quiet");
    Run with = tune("--search", search, "--startup-trials", "2", "--json", "--quiet", "--test", test.toString());
    assertThat(without.code()).as(without.err()).isZero();
    assertThat(with.code()).as(with.err()).isZero();
    assertThat(with.json().get("trials")).hasSize(4);
    for (int j = 0; j < 4; j++) {
      JsonNode a = without.json().get("trials").get(j);
      JsonNode b = with.json().get("trials").get(j);
      assertThat(b.get("flags")).isEqualTo(a.get("flags"));
      assertThat(b.get("score").asDouble()).isEqualTo(a.get("score").asDouble());
    }
    assertThat(without.json().has("test")).isFalse();
    JsonNode scores = with.json().get("test");
    assertThat(scores.get("best").has("ndcg@10")).isTrue();
    assertThat(scores.get("defaults").has("ndcg@10")).isTrue();
  }

  @Test
  void halvingPrintsTheBestFlagsAsACommandAndResumesFromItsState() throws IOException {
    Path state = dir.resolve("halving.jsonl");
    Path report = dir.resolve("tune-report");
    Run first = tune("--search", "halving", "--eta", "2", "--state", state.toString(), "--report", report.toString());
    assertThat(first.code()).as(first.err()).isZero();
    // 4 configurations, eta 2, 6 iterations at most: rungs of 2, 3 and 6 iterations with 4, 2, 1 trainings
    assertThat(first.out()).contains("7 of 7 trainings run").contains("kindred train --model ials --factors ");
    assertThat(first.err()).contains("[2 iterations]").contains("[3 iterations]").contains("[6 iterations]");
    assertThat(Files.readAllLines(state)).hasSize(8);
    assertThat(Files.readString(report.resolve("index.html"))).contains("Tuning history").contains("data-charts=\"1\"");

    Run again = tune("--search", "halving", "--eta", "2", "--state", state.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("resuming: 7 trials");
    assertThat(again.err().lines().filter(l -> l.startsWith("trial ")).allMatch(l -> l.endsWith("(resumed)"))).isTrue();
    assertThat(again.out()).isEqualTo(first.out());
    assertThat(Files.readAllLines(state)).hasSize(8);

    Run other = tune("--search", "random", "--state", state.toString(), "--quiet");
    assertThat(other.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(other.err()).contains(state + ":1: the state belongs to another search");
  }

  @Test
  void badSpacesAndSettingsAreRefusedBeforeAnyTraining() throws IOException {
    assertThat(tune("--param", "neighbours=1:5:int").err()).contains("--neighbours does not apply to --model ials");
    assertThat(tune("--param", "alpha=0:5:log").err()).contains("--alpha: a log range needs lo > 0");
    assertThat(tune("--search", "grid").err()).contains("unknown --search 'grid'");
    assertThat(tune("--metric", "rmse").err()).contains("unknown --metric 'rmse'");
    assertThat(tune("--time-budget", "soon").err()).contains("--time-budget 'soon'");
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"factors\": \"4:8:int\",\n \"alpha\": 3}");
    assertThat(tune("--space", space.toString()).err()).contains(space + ": --param 'alpha=3'");
    Files.writeString(space, "[1, 2]");
    assertThat(tune("--space", space.toString()).err()).contains(space + ": expected a JSON object");
    assertThat(run("tune", "--model", "lightgcn", "--train", train.toString()).err())
        .contains("no built-in search space for --model lightgcn");
  }
}
