package dev.kindred.cli;

import static dev.kindred.cli.KindredCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.cli.KindredCliTest.Run;
import dev.kindred.core.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred train} records the training cut-off; {@code kindred compact-events} drops what a model holds. */
class CompactEventsCommandTest {

  @TempDir
  Path dir;

  Path train(String name, Path data) {
    Path out = dir.resolve(name);
    Run t = run("train", "--train", data.toString(), "--model", "ials", "--factors", "4", "--epochs", "1", "--seed", "1",
        "--threads", "1", "--out", out.toString());
    assertThat(t.code()).as(t.err()).isZero();
    return out;
  }

  @Test
  void trainRecordsTheLastTimestampAndCompactionDropsTheEventsBeforeIt() throws Exception {
    Path data = dir.resolve("data.tsv");
    StringBuilder rows = new StringBuilder();
    for (int u = 0; u < 20; u++) {
      for (int i = 0; i < 5; i++) rows.append(u).append('\t').append((u + i) % 12).append("\t1\t").append(1_600_000_000 + u * 5 + i).append('\n');
    }
    Files.writeString(data, rows);
    Path model = train("m.kdm", data);
    long cutoff = 1_600_000_099_000L; // the last timestamp, 1,600,000,099 s, in millis
    assertThat(ModelFile.read(model).provenance().dataCutoffMillis()).hasValue(cutoff);

    Path log = dir.resolve("events.log");
    Files.writeString(log, "3\t4\t1.0\t" + (cutoff - 1) + "\n" + "new\t4\t1.0\t" + (cutoff + 1) + "\n");
    Run r = run("compact-events", "--event-log", log.toString(), "--model-file", model.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("dropped").asInt()).isEqualTo(1);
    assertThat(r.json().get("kept").asInt()).isEqualTo(1);
    assertThat(r.json().get("cutoff").asText()).isEqualTo("2020-09-13T12:28:19Z");
    assertThat(Files.readAllLines(log)).isEqualTo(List.of("new\t4\t1.0\t" + (cutoff + 1)));
  }

  @Test
  void aModelWithoutACutoffDropsNothingAndSaysWhy() throws Exception {
    Path data = dir.resolve("untimed.tsv");
    StringBuilder rows = new StringBuilder();
    for (int u = 0; u < 20; u++) {
      for (int i = 0; i < 5; i++) rows.append(u).append('\t').append((u + i) % 12).append("\t1\n");
    }
    Files.writeString(data, rows);
    Path model = train("untimed.kdm", data);
    Path log = dir.resolve("events.log");
    Files.writeString(log, "3\t4\t1.0\t5\n");
    Run r = run("compact-events", "--event-log", log.toString(), "--model-file", model.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("records no training cut-off");
    assertThat(Files.readAllLines(log)).hasSize(1);
  }
}
