package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.cli.KindredCliTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred explain} and {@code kindred forget} on files, with a byte scan for the forgotten user. */
class ExplainForgetCommandsTest {

  static final String GONE = "forget-me-zq"; // no other id, number or field contains it

  @TempDir
  static Path dir;

  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = dir.resolve("gen.tsv");
    assertThat(run("generate", "--users", "200", "--items", "150", "--interactions", "6000", "--implicit", "--seed", "3",
        "--out", data.toString()).code()).isZero();
    StringBuilder mine = new StringBuilder();
    for (int i = 1; i <= 12; i++) mine.append(GONE).append('\t').append(i * 7).append("\t1\t").append(1_600_000_000 + i).append('\n');
    Files.writeString(data, mine, java.nio.file.StandardOpenOption.APPEND);
  }

  static Path train(String name, String... model) {
    Path out = dir.resolve(name);
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--train", data.toString(),
        "--seed", "1", "--threads", "1", "--out", out.toString()));
    args.addAll(java.util.List.of(model));
    Run t = run(args.toArray(String[]::new));
    assertThat(t.code()).as(t.err()).isZero();
    return out;
  }

  @Test
  void explainSplitsAnIalsScoreOverTheHistory() throws Exception {
    Path m = train("ials.kdm", "--model", "ials", "--factors", "8", "--epochs", "4");
    Run r = run("explain", "--model-file", m.toString(), "--user", GONE, "--train", data.toString(), "--k", "5",
        "--top", "20", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode ex = r.json().get("explanations");
    assertThat(ex.size()).isEqualTo(5);
    for (JsonNode e : ex) {
      assertThat(e.get("method").asText()).isEqualTo("exact");
      assertThat(e.get("contributors").size()).isEqualTo(12);
      double sum = e.get("remainder").asDouble();
      for (JsonNode c : e.get("contributors")) sum += c.get("contribution").asDouble();
      assertThat(sum).isCloseTo(e.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
    }
    Run one = run("explain", "--model-file", m.toString(), "--user", GONE, "--train", data.toString(), "--item", "3");
    assertThat(one.code()).as(one.err()).isZero();
    assertThat(one.out()).contains(GONE + "\t3\tscore").contains("because of").contains("remainder");
    Run noHistory = run("explain", "--model-file", m.toString(), "--user", GONE);
    assertThat(noHistory.code()).isEqualTo(2);
    assertThat(noHistory.err()).contains("keeps no history: give --train FILE");
  }

  @Test
  void explainNeedsNoHistoryFileForItemKnn() {
    Path m = train("knn.kdm", "--model", "itemknn");
    Run r = run("explain", "--model-file", m.toString(), "--user", GONE, "--k", "3", "--top", "50", "--json");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void forgetLeavesNoByteOfTheUserAndOtherListsUnchanged() throws Exception {
    Path m = train("forget.kdm", "--model", "ials", "--factors", "8", "--epochs", "4");
    Path copy = dir.resolve("forget.tsv");
    Files.copy(data, copy);
    Path log = dir.resolve("events.log");
    Files.writeString(log, GONE + "\t3\t1.0\t1700000000000\n5\t3\t1.0\t1700000000001\n" + GONE
        + "\t9\t2.0\t1700000000002\n");
    Map<String, JsonNode> before = lists(m);
    byte[] id = GONE.getBytes(StandardCharsets.UTF_8);
    for (Path p : new Path[] {m, copy, log}) assertThat(holds(Files.readAllBytes(p), id)).as("%s", p).isTrue();

    Run f = run("forget", "--user", GONE, "--model-file", m.toString(), "--event-log", log.toString(), "--data",
        copy.toString(), "--json");
    assertThat(f.code()).as(f.err()).isZero();
    assertThat(f.json().get("events_removed").asInt()).isEqualTo(2);
    assertThat(f.json().get("rows_removed").asInt()).isEqualTo(12);

    for (Path p : new Path[] {m, copy, log}) assertThat(holds(Files.readAllBytes(p), id)).as("%s", p).isFalse();
    assertThat(Files.readString(log)).isEqualTo("5\t3\t1.0\t1700000000001\n");
    Map<String, JsonNode> after = lists(m);
    before.remove(GONE);
    assertThat(after).isEqualTo(before);
    // Nothing left to forget: a bad-input exit naming the user.
    Run again = run("forget", "--user", GONE, "--model-file", m.toString(), "--event-log", log.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains(GONE);
  }

  @Test
  void refitItemsSolvesTheItemsAgainFromTheRemainingRowsAndIsRefusedWhereItCannotRun() throws Exception {
    Path m = train("refit.kdm", "--model", "ials", "--factors", "8", "--epochs", "4");
    Path copy = dir.resolve("refit.tsv");
    Files.copy(data, copy);
    byte[] before = Files.readAllBytes(m);
    Run noData = run("forget", "--user", GONE, "--model-file", m.toString(), "--refit-items");
    assertThat(noData.code()).isEqualTo(2);
    assertThat(noData.err()).contains("--refit-items needs --data");
    assertThat(Files.readAllBytes(m)).isEqualTo(before); // refused before any file was touched

    Run f = run("forget", "--user", GONE, "--model-file", m.toString(), "--data", copy.toString(), "--refit-items",
        "--threads", "1", "--json");
    assertThat(f.code()).as(f.err()).isZero();
    assertThat(f.json().get("items_refit").asBoolean()).isTrue();
    byte[] id = GONE.getBytes(StandardCharsets.UTF_8);
    assertThat(holds(Files.readAllBytes(m), id)).isFalse();
    assertThat(holds(Files.readAllBytes(copy), id)).isFalse();
    assertThat(lists(m)).hasSize(200);

    Path knn = train("refit-knn.kdm", "--model", "itemknn");
    Path copy2 = dir.resolve("refit2.tsv");
    Files.copy(data, copy2);
    Run refused = run("forget", "--user", GONE, "--model-file", knn.toString(), "--data", copy2.toString(),
        "--refit-items");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("has no item-side refit");
    assertThat(Files.readAllBytes(copy2)).isEqualTo(Files.readAllBytes(data));
  }

  private static Map<String, JsonNode> lists(Path model) throws Exception {
    Run r = run("recommend", "--model-file", model.toString(), "--all", "--k", "5", "--threads", "1", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode row : r.json().get("recommendations")) out.put(row.get("user").asText(), row.get("items"));
    return out;
  }

  /** Byte scan: whether {@code needle} occurs anywhere in {@code hay} (ISO-8859-1 maps each byte to one char). */
  static boolean holds(byte[] hay, byte[] needle) {
    return new String(hay, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
  }
}
