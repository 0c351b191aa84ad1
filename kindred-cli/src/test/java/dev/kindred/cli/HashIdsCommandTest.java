package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.IdIndex;
import dev.kindred.core.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --hash-ids BUCKETS}: a fixed user side, collisions in the summary, unseen users answered. */
class HashIdsCommandTest {

  @TempDir
  Path dir;

  @Test
  void hashedUsersAreCountedSavedAndAnswerUnseenIds() throws Exception {
    Path data = dir.resolve("gen.tsv");
    KindredCliTest.Run g = run("generate", "--users", "400", "--items", "50", "--interactions", "4000", "--implicit",
        "--seed", "3", "--out", data.toString(), "--json");
    assertThat(g.code()).as(g.err()).isZero();
    // The collisions expected: distinct user ids in the file minus the buckets they occupy.
    Set<String> ids = new HashSet<>();
    Set<Integer> used = new HashSet<>();
    for (String line : Files.readAllLines(data)) {
      String id = line.substring(0, line.indexOf('\t'));
      ids.add(id);
      used.add(IdIndex.bucketOf(id, 64));
    }
    Path model = dir.resolve("m.kindred");
    KindredCliTest.Run t = run("train", "--train", data.toString(), "--model", "ials", "--factors", "8", "--iterations",
        "2", "--threads", "1", "--hash-ids", "64", "--out", model.toString(), "--json");
    assertThat(t.code()).as(t.err()).isZero();
    JsonNode j = t.json();
    assertThat(j.get("user_id_buckets").asInt()).isEqualTo(64);
    assertThat(j.get("user_id_collisions").asLong()).isEqualTo(ids.size() - used.size()).isPositive();
    assertThat(ModelFile.read(model).userIndex()).isEqualTo(IdIndex.hashed(64));

    KindredCliTest.Run r = run("recommend", "--model-file", model.toString(), "--user", "never-seen-user", "--k", "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("never-seen-user\t");
    assertThat(List.of(r.out().strip().split("\t"))).hasSize(4);
  }

  @Test
  void negativeBucketsAndTheKCoreFilterAreRefused() throws Exception {
    KindredCliTest.Run neg = run("train", "--train", "no-such-file.tsv", "--hash-ids", "-1");
    assertThat(neg.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(neg.err()).contains("--hash-ids must be >= 0");
    Path data = Files.writeString(dir.resolve("d.tsv"), "1\t1\t1\n1\t2\t1\n2\t1\t1\n");
    KindredCliTest.Run core = run("train", "--train", data.toString(), "--model", "ials", "--hash-ids", "8",
        "--min-user-interactions", "2");
    assertThat(core.code()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    assertThat(core.err()).contains("--hash-ids does not combine with --min-user-interactions");
  }
}
